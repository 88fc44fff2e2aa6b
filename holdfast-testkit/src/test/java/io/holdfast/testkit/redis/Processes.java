package io.holdfast.testkit.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helper: whether a process is really gone. */
final class Processes {

  private Processes() {}

  /**
   * True if the pid no longer runs. A zombie counts as gone: an orphan's exit is reaped by pid 1,
   * which in a container may never do it, yet the process has released its port and memory.
   */
  static boolean isGone(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (Files.isDirectory(Path.of("/proc/self"))) {
      try {
        String line = Files.readString(stat);
        return line.substring(line.lastIndexOf(')') + 2).startsWith("Z");
      } catch (IOException e) {
        return true;
      }
    }
    return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
  }
}
