package io.holdfast.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/*
 * The command that `holdfast elect` runs while it leads, stopped when it loses the leadership. The process handling
 * is CommandGroup's, as for `holdfast run`: the command runs in a process group of its own, and a stop signals the
 * whole group (a shell's background children included), SIGTERM first and SIGKILL after KILL_GRACE. A stop asked
 * before the command started stops it as soon as it starts, so a loss that races with the start is never missed:
 * the stop flag and the group are guarded by this object's monitor.
 */
final class GuardedCommand {
  /** Exit code when the command could not be started. */
  static final int EXIT_NOT_STARTED = 127;
  private static final Duration KILL_GRACE = Duration.ofSeconds(5);

  private final List<String> command;
  private CommandGroup group;
  private boolean stopRequested;

  GuardedCommand(List<String> command) {
    this.command = List.copyOf(command);
  }

  /**
   * Runs the command with {@code env} added to this process's environment, sharing this process's standard streams,
   * and waits for it. A JVM shutdown (Ctrl-C, SIGTERM) stops the command's group too.
   *
   * @return the command's exit code, or {@link #EXIT_NOT_STARTED}
   */
  int run(Map<String, String> env, PrintWriter err) throws InterruptedException {
    CommandGroup started;
    synchronized (this) {
      try {
        started = CommandGroup.start(command, env);
      } catch (IOException e) {
        err.println("holdfast: cannot run '" + command.get(0) + "': " + e.getMessage());
        return EXIT_NOT_STARTED;
      }
      group = started;
      if (stopRequested) {
        started.stopInBackground(KILL_GRACE);
      }
    }
    Thread forwarder = new Thread(() -> started.signal("TERM"), "holdfast-stop-command");
    Runtime.getRuntime().addShutdownHook(forwarder);
    try {
      return started.waitFor();
    } finally {
      CommandGroup.removeHook(forwarder);
    }
  }

  /** Stops the command's group (now, or as soon as it starts). Any thread; a second stop changes nothing. */
  void stop() {
    CommandGroup running;
    synchronized (this) {
      stopRequested = true;
      running = group;
    }
    if (running != null) {
      running.stopInBackground(KILL_GRACE);
    }
  }
}
