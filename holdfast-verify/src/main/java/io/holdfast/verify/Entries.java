package io.holdfast.verify;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/*
 * The doubly linked list of call and return entries that WglSearch walks: entry 2i is the call of operation i,
 * entry 2i+1 its return. Sorted by time; at equal times calls come first, so operations that merely touch are
 * concurrent (neither precedes the other). Lifting an operation unlinks both its entries; unlifting relinks them
 * exactly where they were, which is valid because lifts are undone in reverse order.
 */
final class Entries {
  static final int NONE = -1;

  private final int[] next;
  private final int[] prev;
  private int head;

  Entries(long[] invoke, long[] complete) {
    int n = invoke.length;
    next = new int[2 * n];
    prev = new int[2 * n];
    Integer[] order = IntStream.range(0, 2 * n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingLong(e -> (e & 1) == 0 ? invoke[e >> 1] : complete[e >> 1])
        .thenComparingInt(e -> e & 1)
        .thenComparingInt(e -> e));
    head = order.length == 0 ? NONE : order[0];
    for (int i = 0; i < order.length; i++) {
      prev[order[i]] = i == 0 ? NONE : order[i - 1];
      next[order[i]] = i == order.length - 1 ? NONE : order[i + 1];
    }
  }

  int first() {
    return head;
  }

  int next(int entry) {
    return next[entry];
  }

  boolean isCall(int entry) {
    return (entry & 1) == 0;
  }

  int op(int entry) {
    return entry >> 1;
  }

  /** Unlinks the call {@code call} and its return. */
  void lift(int call) {
    unlink(call);
    unlink(call | 1);
  }

  /** Relinks what {@link #lift} unlinked (return first, the reverse order). */
  void unlift(int call) {
    relink(call | 1);
    relink(call);
  }

  private void unlink(int e) {
    if (prev[e] == NONE) {
      head = next[e];
    } else {
      next[prev[e]] = next[e];
    }
    if (next[e] != NONE) {
      prev[next[e]] = prev[e];
    }
  }

  private void relink(int e) {
    if (prev[e] == NONE) {
      head = e;
    } else {
      next[prev[e]] = e;
    }
    if (next[e] != NONE) {
      prev[next[e]] = e;
    }
  }
}
