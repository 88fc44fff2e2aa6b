package io.holdfast.verify;

/**
 * One injected fault, from injection to heal, on the checker's clock.
 *
 * @param kind the fault
 * @param target what it hit: a client ({@code c3}) or {@code redis}
 * @param start when it was injected
 * @param end when it was healed ({@link Long#MAX_VALUE} if never)
 * @param note parameters such as the pause length or the clock step
 */
record FaultWindow(FaultKind kind, String target, long start, long end, String note) {

  long durationNanos() {
    return end == Long.MAX_VALUE ? 0 : end - start;
  }

  /** Whether the fault was active at some time in [from, to]. */
  boolean overlaps(long from, long to) {
    return start <= to && end >= from;
  }

  @Override
  public String toString() {
    return String.format("%s on %s from %.3f s to %.3f s (%s)", kind.cliName(), target, start / 1e9,
        end == Long.MAX_VALUE ? Double.NaN : end / 1e9, note);
  }
}
