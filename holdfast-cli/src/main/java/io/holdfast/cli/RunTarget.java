package io.holdfast.cli;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import picocli.CommandLine.Option;

/*
 * What `holdfast run` holds, exactly one of: a lock, the read or the write side of a read/write lock, or a permit of
 * a semaphore (picocli fills one field of this exclusive group). Each is acquired through the client's own handle,
 * so every rule is the library's (docs/read-write-lock.md, docs/semaphore.md). Filled once by picocli before call().
 */
final class RunTarget {
  @Option(names = "--lock", required = true, paramLabel = "NAME", description = "The lock to hold.")
  String lock;

  @Option(names = "--read-lock", required = true, paramLabel = "NAME",
      description = "Hold the read side of a read/write lock: shared with other readers, never with a writer.")
  String readLock;

  @Option(names = "--write-lock", required = true, paramLabel = "NAME",
      description = "Hold the write side of a read/write lock: nobody else reads or writes meanwhile.")
  String writeLock;

  @Option(names = "--semaphore", required = true, paramLabel = "NAME",
      description = "Hold a permit of a semaphore: at most --permits holders at once.")
  String semaphore;

  /** The name held, whichever kind. */
  String name() {
    if (lock != null) {
      return lock;
    }
    if (readLock != null) {
      return readLock;
    }
    return writeLock != null ? writeLock : semaphore;
  }

  /** The kind, as HOLDFAST_LOCK_KIND tells the command: lock, read, write or permit. */
  String kind() {
    if (lock != null) {
      return "lock";
    }
    if (readLock != null) {
      return "read";
    }
    return writeLock != null ? "write" : "permit";
  }

  /** For messages: "lock 'x'", "read lock 'x'", "write lock 'x'", "semaphore 'x'". */
  String describe() {
    return switch (kind()) {
      case "lock" -> "lock '" + lock + "'";
      case "read" -> "read lock '" + readLock + "'";
      case "write" -> "write lock '" + writeLock + "'";
      default -> "semaphore '" + semaphore + "'";
    };
  }

  /** Acquires what this names, as {@code request} says (its name is {@link #name()}). */
  Lease acquire(Holdfast holdfast, AcquireRequest request, int permits) {
    return switch (kind()) {
      case "lock" -> holdfast.acquire(request);
      case "read" -> holdfast.readWriteLock(readLock).readLock().acquire(request);
      case "write" -> holdfast.readWriteLock(writeLock).writeLock().acquire(request);
      default -> holdfast.semaphore(semaphore, permits).acquire(request);
    };
  }
}
