package io.holdfast.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/*
 * A command run by holdfast in a process group of its own, so that stopping it stops everything it started
 * (`sleep 60 &` in a script included), as timeout(1) and systemd do. The group is made with setsid(1) (util-linux),
 * which execs the command in place: the child's pid is the group id, and the group is signalled with kill(1).
 * Without setsid (not Linux), the command and its descendants at the time of the signal are signalled one by one,
 * which misses a grandchild whose parent has already exited.
 *
 * Thread-safe: the only state is the started process; signalling runs external kill(1) processes or uses
 * ProcessHandle, both safe from any thread (a signal handler, the lease-lost listener, the waiting thread).
 */
final class CommandGroup {
  private static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
      .map(Path::of).filter(Files::isExecutable).findFirst();
  private static final Duration POLL = Duration.ofMillis(50);

  private final Process process;
  private final boolean ownGroup;

  private CommandGroup(Process process, boolean ownGroup) {
    this.process = process;
    this.ownGroup = ownGroup;
  }

  /**
   * Starts {@code command} with inherited standard streams in a new process group.
   *
   * @param command the command and its arguments
   * @param environment variables added to this process's environment
   * @return the running command
   * @throws IOException if it cannot be started (not found, not executable)
   */
  static CommandGroup start(List<String> command, Map<String, String> environment) throws IOException {
    List<String> line = new ArrayList<>();
    SETSID.ifPresent(setsid -> line.add(setsid.toString()));
    line.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(line).inheritIO();
    builder.environment().putAll(environment);
    if (SETSID.isPresent() && !Files.isExecutable(Path.of(command.get(0))) && !onPath(command.get(0))) {
      // setsid would start and then fail to exec; say "cannot run" as ProcessBuilder does without it.
      throw new IOException("no such file or executable on PATH");
    }
    return new CommandGroup(builder.start(), SETSID.isPresent());
  }

  private static boolean onPath(String name) {
    if (name.contains("/")) {
      return false;
    }
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir.isEmpty() ? "." : dir, name)));
  }

  /** Waits for the command itself (not its background children) to exit and returns its exit code. */
  int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /**
   * Sends {@code signal} (a name such as TERM or INT) to the whole group; if anything of the group still runs
   * after {@code grace}, sends KILL; returns once the group is gone or {@code grace} plus one more grace has passed.
   *
   * @return whether the whole group is gone
   */
  boolean stop(String signal, Duration grace) throws InterruptedException {
    this.signal(signal);
    if (awaitGone(grace)) {
      return true;
    }
    this.signal("KILL");
    return awaitGone(grace);
  }

  /** {@link #stop} off the calling thread: SIGTERM to the group now, SIGKILL after {@code grace}. */
  void stopInBackground(Duration grace) {
    CompletableFuture.runAsync(() -> {
      try {
        stop("TERM", grace);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** Removes a shutdown hook that forwards a stop to a command, unless the JVM is already running it. */
  static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already stopping; the hook stops the command.
    }
  }

  /** Waits up to {@code timeout} for the whole group to be gone; returns whether it is. */
  boolean awaitGone(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (alive()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(POLL.toMillis());
    }
    return true;
  }

  /** Whether the command or anything in its group still runs. */
  boolean alive() {
    if (!ownGroup) {
      return process.isAlive() || process.descendants().anyMatch(ProcessHandle::isAlive);
    }
    return process.isAlive() || kill("0");
  }

  /** Sends {@code signal} (TERM, INT, KILL...) to the whole group, without waiting. */
  void signal(String signal) {
    if (ownGroup) {
      kill(signal);
      return;
    }
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    for (ProcessHandle handle : all) {
      if ("KILL".equals(signal)) {
        handle.destroyForcibly();
      } else {
        handle.destroy();
      }
    }
  }

  /* kill(1) on the group; true when it succeeded, that is when some process of the group exists. */
  private boolean kill(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + process.pid())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      process.destroyForcibly();
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
