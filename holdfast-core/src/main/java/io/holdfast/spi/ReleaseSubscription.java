package io.holdfast.spi;

/** A live interest in release messages for one lock; closing it stops them. */
public interface ReleaseSubscription extends AutoCloseable {
  /** Stops delivery; idempotent, never throws. */
  @Override
  void close();
}
