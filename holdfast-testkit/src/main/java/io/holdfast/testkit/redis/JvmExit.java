package io.holdfast.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What must not outlive the JVM: live processes (servers and their orphan guards) and the working
 * directories of servers nobody closed. One shutdown hook handles both, in that order, because a
 * directory deleted while its server still runs could be recreated by the server's next write.
 *
 * <p>Processes get SIGKILL rather than SIGTERM: it also ends a SIGSTOPped server, it cannot be
 * ignored, and nothing in a test server is worth a graceful shutdown while the JVM exits.
 */
final class JvmExit {

  private static final Logger LOG = LoggerFactory.getLogger(JvmExit.class);
  private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();
  private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();
  /** Bounds JVM exit even if the kernel is slow to deliver SIGKILL; whatever is left, the guard ends. */
  private static final long KILL_WAIT_MILLIS = 2_000;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(JvmExit::cleanUp, "holdfast-redis-cleanup"));
  }

  private JvmExit() {}

  /** Kills the process at JVM exit unless {@link #forget(Process)} is called first. */
  static void kill(Process process) {
    PROCESSES.add(process);
  }

  static void forget(Process process) {
    PROCESSES.remove(process);
  }

  /** Deletes the directory tree at JVM exit unless {@link #forget(Path)} is called first. */
  static void delete(Path directory) {
    DIRECTORIES.add(directory);
  }

  static void forget(Path directory) {
    DIRECTORIES.remove(directory);
  }

  /** Deletes a directory tree now, logging rather than throwing: cleanup must not fail a test. */
  static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Cannot delete redis-server working directory {}", dir, e);
    }
  }

  private static void cleanUp() {
    PROCESSES.forEach(Process::destroyForcibly);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KILL_WAIT_MILLIS);
    for (Process process : PROCESSES) {
      try {
        process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    DIRECTORIES.forEach(JvmExit::deleteRecursively);
  }
}
