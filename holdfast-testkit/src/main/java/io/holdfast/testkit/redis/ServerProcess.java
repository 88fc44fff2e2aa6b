package io.holdfast.testkit.redis;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One launched {@code redis-server} process, from exec to reaping. {@link RedisServer} owns the
 * policy (ports, restarts, state); this class owns the operating-system mechanics.
 *
 * <p>No process may outlive the JVM, and two mechanisms make sure of it:
 * <ul>
 *   <li>a JVM shutdown hook SIGKILLs every process still running (see {@link JvmExit});</li>
 *   <li>a shutdown hook cannot run when the JVM itself is SIGKILLed (an IDE's stop button, the OOM
 *       killer), so each server gets a tiny {@code /bin/sh} guard blocked reading a pipe whose only
 *       writer is this JVM. However the JVM dies, the kernel closes that pipe, the read returns, and
 *       the guard SIGKILLs the server. The guard is destroyed with its server, and the shutdown hook
 *       destroys it first on a normal exit.</li>
 * </ul>
 * A pipe beats polling {@code kill -0 <jvm pid>}: a JVM killed under a parent that is slow to reap
 * it lingers as a zombie, which {@code kill -0} reports as alive. One residual risk is accepted: if a
 * server died on its own, was never stopped, and the JVM is then SIGKILLed, the guard signals a pid
 * the kernel may have reused; that needs pid wrap-around within the JVM's life.
 *
 * <p>Not thread-safe; {@link RedisServer} serialises access.
 */
final class ServerProcess {

  /** What start-up came to, when it did not fail outright. */
  enum Readiness {
    /** The process answers PING, and INFO confirms it is this process rather than a port thief. */
    READY,
    /** The process exited because someone else bound the port first; try another port. */
    PORT_TAKEN
  }

  private static final Logger LOG = LoggerFactory.getLogger(ServerProcess.class);
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
  private static final Duration REAP_TIMEOUT = Duration.ofSeconds(10);
  private static final long POLL_MILLIS = 25;
  private static final int OUTPUT_LINES = 30;
  private static final long OUTPUT_BYTES = 16 * 1024;
  private static final int EXEC_ATTEMPTS = 5;

  private final Process process;
  private final Process guard;
  private final List<String> command;
  private final Path log;
  private final long logOffset;

  private ServerProcess(Process process, Process guard, List<String> command, Path log, long logOffset) {
    this.process = process;
    this.guard = guard;
    this.command = command;
    this.log = log;
    this.logOffset = logOffset;
  }

  /** Starts the command in {@code workDir}, appending its stdout and stderr to {@code log}. */
  static ServerProcess launch(List<String> command, Path workDir, Path log) {
    try {
      long offset = Files.exists(log) ? Files.size(log) : 0;
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Process process = exec(builder);
      JvmExit.kill(process);
      Process guard = startGuard(process.pid());
      return new ServerProcess(process, guard, List.copyOf(command), log, offset);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + describe(command), e);
    }
  }

  /**
   * Waits until the server answers as itself, or fails with its recent output in the message.
   *
   * @throws IllegalStateException if it exits for another reason than a taken port, or times out
   */
  Readiness awaitReady(String host, int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        release();
        if (recentOutput().contains("Address already in use")) {
          return Readiness.PORT_TAKEN;
        }
        throw failure("exited with code " + process.exitValue() + " during start-up");
      }
      if (answersAsItself(host, port)) {
        return Readiness.READY;
      }
      if (System.nanoTime() - deadline > 0) {
        kill();
        throw failure("did not answer PING on " + host + ":" + port + " within " + timeout.toMillis() + " ms");
      }
      Ports.sleep(POLL_MILLIS);
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within the timeout; returns once it is reaped. */
  void terminate(Duration timeout) {
    process.destroy();
    if (!waitFor(timeout)) {
      LOG.warn("redis-server pid {} ignored SIGTERM for {} ms; sending SIGKILL", pid(), timeout.toMillis());
      kill();
      return;
    }
    release();
  }

  /** SIGKILL; returns once it is reaped, so its pid and port are gone. */
  void kill() {
    process.destroyForcibly();
    if (!waitFor(REAP_TIMEOUT)) {
      throw new IllegalStateException("redis-server pid " + pid() + " survived SIGKILL for " + REAP_TIMEOUT);
    }
    release();
  }

  /**
   * Sends a signal Java has no API for ({@code STOP}, {@code CONT}) through {@code kill(1)}.
   *
   * @throws IllegalStateException if {@code kill} fails, such as when the process is gone
   */
  void signal(String signal) {
    String kill = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";
    try {
      Process p = new ProcessBuilder(kill, "-" + signal, Long.toString(pid()))
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(REAP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + kill + " -" + signal, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while sending SIG" + signal, e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** The last lines this process wrote, not those of earlier runs sharing the log file. */
  String recentOutput() {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(logOffset, file.length() - OUTPUT_BYTES);
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - OUTPUT_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  IllegalStateException failure(String what) {
    return new IllegalStateException("redis-server " + what + "\n  command: " + describe(command)
        + "\n  last output (" + log + "):\n" + recentOutput().indent(4));
  }

  private boolean answersAsItself(String host, int port) {
    try {
      if (!"PONG".equals(Resp.call(host, port, PROBE_TIMEOUT, "PING"))) {
        return false;
      }
      // Another server (another test's, on a port stolen from us) would answer PING just as well.
      Map<String, String> server = Resp.parseInfo(Resp.call(host, port, PROBE_TIMEOUT, "INFO", "server"));
      return Long.toString(pid()).equals(server.get("process_id"));
    } catch (UncheckedIOException | RedisReplyException e) {
      // Not listening yet, or LOADING its append-only file: both mean "not ready yet".
      return false;
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for redis-server pid " + pid(), e);
    }
  }

  private void release() {
    JvmExit.forget(process);
    if (guard != null) {
      JvmExit.forget(guard);
      guard.destroy();
    }
  }

  /**
   * Retries "Text file busy": if another thread forked while the embedded binary was still open for
   * writing, that child holds the write descriptor until it execs, and Linux refuses to exec a file
   * open for writing. The window is milliseconds, so a short retry clears it.
   */
  private static Process exec(ProcessBuilder builder) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return builder.start();
      } catch (IOException e) {
        if (attempt >= EXEC_ATTEMPTS || String.valueOf(e.getMessage()).indexOf("Text file busy") < 0) {
          throw e;
        }
        Ports.sleep(POLL_MILLIS * attempt);
      }
    }
  }

  private static Process startGuard(long serverPid) {
    // read returns at EOF, which comes only when every writer is gone: the JVM keeps the guard's stdin
    // open through the Process object held by JvmExit, and Java closes inherited descriptors in the
    // children it spawns, so no other process holds the pipe's write end.
    String script = "read _; kill -9 " + serverPid + " 2>/dev/null";
    try {
      Process guard = new ProcessBuilder("/bin/sh", "-c", script)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectErrorStream(true)
          .start();
      JvmExit.kill(guard);
      return guard;
    } catch (IOException e) {
      // The shutdown hook still covers every exit but SIGKILL of the JVM; losing the guard is no reason to fail.
      LOG.warn("Cannot start the orphan guard for redis-server pid {}; it may outlive a killed JVM", serverPid, e);
      return null;
    }
  }

  private static String describe(List<String> command) {
    return command.stream().map(a -> a.isEmpty() ? "''" : a).collect(Collectors.joining(" "));
  }
}
