package io.holdfast.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/*
 * The fair locks' lines of waiters in a LockTable: fairqueue.lua on the table's monotonic clock. A line is a
 * LinkedHashMap from member to deadline: insertion order is arrival order (the table's monitor orders attempts as
 * Redis orders scripts), and refreshing a deadline keeps the member's place, as a ZADD of the deadline alone does
 * in Redis. A line with nobody in it is removed, so a free lock with no waiter leaves nothing behind.
 * Why it is safe: only LockTable touches it, under the table's monitor; deadlines are compared as differences, so
 * nanoTime's wrap-around does not matter.
 */
final class FairLines {
  private final Map<String, LinkedHashMap<String, Long>> lines = new HashMap<>();

  /**
   * acquire.lua's fair gate for a caller that does not hold the lock: null when it may be granted a free lock
   * (nobody live ahead of it) or when the lock is held ({@code held}; the caller's place is kept, the table answers
   * busy); else the busy answer, the time until the head's place lapses.
   */
  LockTable.Busy ahead(String name, String member, boolean held, long now, Duration keep) {
    Map.Entry<String, Long> head = head(name, now);
    if (!held && (head == null || head.getKey().equals(member))) {
      return null;
    }
    if (!keep.isZero()) {
      lines.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(member, now + keep.toNanos());
    }
    return held ? null : new LockTable.Busy(Duration.ofNanos(Math.max(0, head.getValue() - now)), false);
  }

  /** The member granted leaves the line. */
  void leave(String name, String member) {
    LinkedHashMap<String, Long> line = lines.get(name);
    if (line != null) {
      line.remove(member);
      if (line.isEmpty()) {
        lines.remove(name);
      }
    }
  }

  /** The live head of the lock's line, or null; drops the dead first. */
  Map.Entry<String, Long> head(String name, long now) {
    LinkedHashMap<String, Long> line = lines.get(name);
    if (line == null) {
      return null;
    }
    prune(line, now);
    if (line.isEmpty()) {
      lines.remove(name);
      return null;
    }
    return line.entrySet().iterator().next();
  }

  /** Drops every dead member and empty line (the keys Redis would have expired); returns the lines left. */
  int sweep(long now) {
    lines.values().removeIf(line -> {
      prune(line, now);
      return line.isEmpty();
    });
    return lines.size();
  }

  private static void prune(LinkedHashMap<String, Long> line, long now) {
    for (Iterator<Long> it = line.values().iterator(); it.hasNext(); ) {
      if (now - it.next() >= 0) {
        it.remove();
      }
    }
  }
}
