package io.holdfast.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/*
 * The command that `holdfast run` and `holdfast elect` run while they hold something (a lease, a leadership), and
 * stop when they lose it. Stopping takes the whole tree: the command and every process it started, as found when the
 * stop begins (a shell's children would otherwise go on running after the shell died, outside the lock). SIGTERM
 * first, SIGKILL to the same processes after KILL_GRACE. A stop asked before the command started stops it as soon as
 * it starts, so a loss that races with the start is never missed: the stop flag and the process are guarded by this
 * object's monitor.
 */
final class GuardedCommand {
  /** Exit code when the command could not be started. */
  static final int EXIT_NOT_STARTED = 127;
  private static final Duration KILL_GRACE = Duration.ofSeconds(5);

  private final List<String> command;
  private Process process;
  private boolean stopRequested;

  GuardedCommand(List<String> command) {
    this.command = List.copyOf(command);
  }

  /**
   * Runs the command with {@code env} added to this process's environment, sharing this process's standard streams,
   * and waits for it. A JVM shutdown (Ctrl-C, SIGTERM) stops the command too.
   *
   * @return the command's exit code, or {@link #EXIT_NOT_STARTED}
   */
  int run(Map<String, String> env, PrintWriter err) throws InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().putAll(env);
    Process started;
    synchronized (this) {
      try {
        started = builder.start();
      } catch (IOException e) {
        err.println("holdfast: cannot run '" + command.get(0) + "': " + e.getMessage());
        return EXIT_NOT_STARTED;
      }
      process = started;
      if (stopRequested) {
        terminate(started);
      }
    }
    Thread forwarder = new Thread(() -> terminate(started), "holdfast-stop-command");
    Runtime.getRuntime().addShutdownHook(forwarder);
    try {
      return started.waitFor();
    } finally {
      removeHook(forwarder);
    }
  }

  /** Stops the command and its descendants (now, or as soon as it starts). Any thread; idempotent enough. */
  void stop() {
    Process running;
    synchronized (this) {
      stopRequested = true;
      running = process;
    }
    if (running != null) {
      terminate(running);
    }
  }

  /** SIGTERM to the tree now, SIGKILL to the same processes after the grace period (harmless once they exited). */
  private static void terminate(Process root) {
    List<ProcessHandle> tree = new ArrayList<>();
    root.descendants().forEach(tree::add);
    tree.add(root.toHandle());
    tree.forEach(ProcessHandle::destroy);
    CompletableFuture.delayedExecutor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)
        .execute(() -> tree.forEach(ProcessHandle::destroyForcibly));
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already stopping; the hook stops the command.
    }
  }
}
