package io.holdfast.redis;

import io.lettuce.core.cluster.SlotHash;

/**
 * One short hash tag per Redis Cluster slot: {@code tagFor(s)} is a string whose CRC16 lands in slot {@code s},
 * so that {@code <prefix>:{<tag>}:fence} is a key of that slot, and a script touching a lock key of slot
 * {@code s} may also touch that slot's fencing counter.
 *
 * <p>The tag of slot {@code s} is the decimal form of the smallest non-negative integer n with
 * {@code CRC16(n) mod 16384 == s}. That rule must never change: every client of a cluster has to compute the
 * same counter key for a slot, or two clients would draw tokens from different counters (same key, same slot,
 * all clients, all versions). The table is computed once per JVM, lazily, by trying n = 0, 1, 2, ... until every
 * slot has a tag: about 170,000 CRC16s of short strings, a few milliseconds.
 *
 * <p>Safe: the table is built in a class initialiser (the JVM guarantees it runs once and is visible to all
 * threads) and never written again.
 */
final class SlotTags {
  private SlotTags() { }

  /** Lazy holder: the table is built on first use of a cluster backend, never for a standalone one. */
  private static final class Table {
    static final String[] TAGS = build();

    private static String[] build() {
      String[] tags = new String[SlotHash.SLOT_COUNT];
      int missing = tags.length;
      for (int n = 0; missing > 0; n++) {
        String candidate = Integer.toString(n);
        int slot = SlotHash.getSlot(candidate);
        if (tags[slot] == null) {
          tags[slot] = candidate;
          missing--;
        }
      }
      return tags;
    }
  }

  /**
   * The tag of a slot.
   *
   * @param slot 0 to 16,383
   * @return a string hashing to that slot
   */
  static String tagFor(int slot) {
    return Table.TAGS[slot];
  }
}
