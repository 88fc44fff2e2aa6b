package io.holdfast.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Correctness failures seen while measuring: two holders at once, a fencing token that did not increase, a
 * held lock that vanished. Any one of them makes the run invalid. Thread-safe; keeps the first few messages.
 */
final class Violations {
  private static final int KEPT = 20;

  private final AtomicLong count = new AtomicLong();
  private final List<String> samples = new ArrayList<>();

  void report(String message) {
    count.incrementAndGet();
    synchronized (samples) {
      if (samples.size() < KEPT) {
        samples.add(message);
      }
    }
  }

  long count() {
    return count.get();
  }

  List<String> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }
}
