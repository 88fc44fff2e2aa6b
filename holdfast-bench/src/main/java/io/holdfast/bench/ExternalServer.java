package io.holdfast.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The server of another lock system (etcd, ZooKeeper) that a contender runs its instances against, started by the
 * harness as it starts its redis-server: a process of its own, listening on a free loopback port, its data in a
 * fresh directory that is deleted when it stops, its output appended to a log file in the run's output directory.
 *
 * <p>Why no server outlives the harness: the server runs under a small {@code sh} that waits on its stdin and
 * kills the server (and deletes its data) when that closes, which is when {@link #close} closes it and also when
 * the harness dies, even by SIGKILL; a shutdown hook closes it when the harness exits without {@link #close}. Thread-safe: the fields are
 * final and {@link Process} is; a second {@link #close} finds the process gone.
 */
final class ExternalServer implements AutoCloseable {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration START_TIMEOUT = Duration.ofMinutes(1);
  private static final int ATTEMPTS = 3;
  private static final String DATA_ENV = "HOLDFAST_BENCH_DATA_DIR";
  /**
   * Runs the server in the background, waits for stdin to close, then stops the server, waits for it and deletes
   * its data directory (named by {@link #DATA_ENV}).
   */
  private static final String WRAPPER =
      "\"$@\" & pid=$!; read -r _; kill $pid; wait $pid; [ -n \"$" + DATA_ENV + "\" ]"
          + " && rm -rf \"$" + DATA_ENV + "\"";

  /** Builds the server's command line for one start; may write configuration files into {@code dataDir}. */
  interface Command {
    List<String> build(Path dataDir, int clientPort, int peerPort) throws IOException;
  }

  private final String name;
  private final Process process;
  private final Path dataDir;
  private final int port;
  private final Thread hook;

  private ExternalServer(String name, Process process, Path dataDir, int port, Thread hook) {
    this.name = name;
    this.process = process;
    this.dataDir = dataDir;
    this.port = port;
    this.hook = hook;
  }

  /**
   * Starts a server and waits until its client port accepts connections; tries other ports when a start fails
   * (another process may take a port between the check and the bind).
   *
   * @param name what the server is, for messages and the log
   * @param dataParent the directory its fresh data directory is made in (a tmpfs one makes fsync a no-op)
   * @param log the file its output is appended to
   * @param command its command line for given ports
   * @return the running server
   * @throws IllegalStateException when it does not listen after {@value #ATTEMPTS} starts; the message names the log
   */
  static ExternalServer start(String name, Path dataParent, Path log, Command command) {
    IllegalStateException failure = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        return startOnce(name, dataParent, log, command);
      } catch (IllegalStateException e) {
        failure = e;
      }
    }
    throw failure;
  }

  private static ExternalServer startOnce(String name, Path dataParent, Path log, Command command) {
    Path dataDir;
    List<String> line = new ArrayList<>(List.of("sh", "-c", WRAPPER, name));
    int port = freePort();
    try {
      Files.createDirectories(dataParent);
      dataDir = Files.createTempDirectory(dataParent, "holdfast-bench-" + name + "-");
      line.addAll(command.build(dataDir, port, freePort()));
      Files.createDirectories(log.toAbsolutePath().getParent());
      Files.writeString(log, "== " + String.join(" ", line.subList(4, line.size())) + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + name + " in " + dataParent, e);
    }
    Process process = launch(name, line, dataDir, log);
    ExternalServer server = new ExternalServer(name, process, dataDir,
        port, new Thread(() -> stop(process, dataDir), "holdfast-bench-" + name + "-stop"));
    Runtime.getRuntime().addShutdownHook(server.hook);
    try {
      server.awaitListening(log);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static Process launch(String name, List<String> line, Path dataDir, Path log) {
    try {
      ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().put(DATA_ENV, dataDir.toAbsolutePath().toString());
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + line.get(4) + "), log " + log, e);
    }
  }

  private void awaitListening(Path log) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!accepts(port)) {
      if (!process.isAlive() || System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(name + " did not start listening on 127.0.0.1:" + port + " within "
            + START_TIMEOUT + (process.isAlive() ? "" : " (it exited)") + "; see " + log.toAbsolutePath());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while " + name + " started", e);
      }
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    }
  }

  /** The loopback port clients connect to. */
  int port() {
    return port;
  }

  /**
   * CPU time (user + system, all threads) the server has used so far, from the kernel's per-process counters in
   * clock ticks of 10 ms; the wrapping {@code sh} sleeps and is not counted. Empty when the platform does not
   * report it or the server is gone.
   */
  Optional<Duration> cpu() {
    return process.toHandle().children().findFirst().flatMap(child -> child.info().totalCpuDuration());
  }

  /** Stops the server, waits until it is gone and deletes its data directory. */
  @Override
  public void close() {
    stop(process, dataDir);
    ServiceProcess.removeHook(hook);
  }

  private static void stop(Process process, Path dataDir) {
    List<ProcessHandle> children = process.toHandle().children().toList();
    try {
      process.getOutputStream().close(); // the wrapper stops the server and exits
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      // The pipe is already closed: the wrapper has been told, or is gone.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    ServiceProcess.stop(process);
    deleteTree(dataDir);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Left behind in a temporary directory; nothing depends on it being gone.
    }
  }
}
