package io.holdfast.verify;

/*
 * Maps one client JVM's System.nanoTime stamps onto the checker's, soundly. The unknown offset (checker = child +
 * offset) is bracketed the way Cristian's algorithm does it: the checker sends a probe at t0, the child stamps it
 * tc, the checker reads the answer at t1, so the offset lies in [t0 - tc, t1 - tc]. Every event the child sends
 * later narrows the upper bound again (it was stamped before the checker received it). An invoke is then placed at
 * the earliest time it can have happened and a completion at the latest, which can only widen operations and so
 * never invents a real-time order that did not exist. On Linux both JVMs read the same CLOCK_MONOTONIC, the true
 * offset is 0 and the bracket is a few microseconds wide; the report states its width.
 *
 * If a stamp ever contradicts the bracket (lower bound above upper bound), the assumption that the two clocks
 * tick together is broken; that is counted and reported, never silently absorbed. Not thread-safe: one per
 * connection, used by that connection's thread.
 */
final class TimeMap {
  private long lo = Long.MIN_VALUE;
  private long hi = Long.MAX_VALUE;
  private long contradictions;

  /** A probe sent at {@code sent}, stamped {@code childStamp} by the child and answered at {@code received}. */
  void probe(long sent, long childStamp, long received) {
    lo = Math.max(lo, sent - childStamp);
    narrow(childStamp, received);
  }

  /** An event stamped {@code childStamp} by the child arrived at {@code received}. */
  void narrow(long childStamp, long received) {
    hi = Math.min(hi, received - childStamp);
    if (hi < lo) {
      contradictions++;
      hi = lo;
    }
  }

  /** The earliest checker nanoTime the child's stamp can stand for. */
  long earliest(long childStamp) {
    return childStamp + lo;
  }

  /** The latest checker nanoTime the child's stamp can stand for. */
  long latest(long childStamp) {
    return childStamp + hi;
  }

  boolean calibrated() {
    return lo != Long.MIN_VALUE && hi != Long.MAX_VALUE;
  }

  /** The width of the offset bracket, in nanoseconds. */
  long uncertainty() {
    return calibrated() ? hi - lo : Long.MAX_VALUE;
  }

  long contradictions() {
    return contradictions;
  }
}
