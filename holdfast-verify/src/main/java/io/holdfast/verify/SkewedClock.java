package io.holdfast.verify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/*
 * A wall clock that the checker can set off and step: the client-clock fault. It is handed to Holdfast as
 * HoldfastOptions.wallClock, which Holdfast may use only to stamp Lease.acquiredAt; a run under clock faults shows
 * that nothing else depends on it. The negative control that computes validity from the wall clock uses it too,
 * and is caught.
 */
final class SkewedClock extends Clock {
  private volatile Duration offset;

  SkewedClock(Duration offset) {
    this.offset = offset;
  }

  void set(Duration newOffset) {
    offset = newOffset;
  }

  Duration offset() {
    return offset;
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    // The zone only affects how instants are displayed; the offset is what matters, so keep sharing it.
    return this;
  }
}
