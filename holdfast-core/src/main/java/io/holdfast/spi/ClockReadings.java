package io.holdfast.spi;

import java.time.Instant;

/**
 * Where a backend whose own calls carry its clock delivers those readings to the client's clock detector (see
 * {@link LockBackend#clockReadings(ClockReadings)}). Called on backend threads; must not block.
 */
@FunctionalInterface
public interface ClockReadings {
  /**
   * One reading of the backend's clock.
   *
   * @param sentNanos {@code System.nanoTime()} when the call that carried it was sent
   * @param receivedNanos {@code System.nanoTime()} when its reply arrived
   * @param backendTime the backend's wall clock at some moment in between
   */
  void reading(long sentNanos, long receivedNanos, Instant backendTime);
}
