package io.holdfast.fence;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.AcquireRequest;
import io.holdfast.FencingToken;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import java.time.Duration;

/**
 * The scenario every guard test replays: holder A takes the lock and "pauses" (a GC pause, a stopped VM) without
 * renewing; its lease expires; holder B is granted the lock, with a larger token, and writes; then A wakes and
 * writes with its old token. Nothing here depends on timing: B's acquire waits until A's lease really ended.
 *
 * @param stale A's token, carried by the late write
 * @param newer B's lease, still held
 */
record PausedHolder(FencingToken stale, Lease newer) implements AutoCloseable {

  static PausedHolder replay(Holdfast locks, String lock) {
    Lease paused = locks.acquire(AcquireRequest.of(lock, Duration.ofMillis(300)).withoutAutoRenew());
    Lease newer = locks.acquire(AcquireRequest.of(lock, Duration.ofSeconds(30)).withWait(Duration.ofSeconds(30)));
    assertThat(newer.fencingToken()).isGreaterThan(paused.fencingToken());
    return new PausedHolder(paused.fencingToken(), newer);
  }

  @Override
  public void close() {
    newer.close();
  }
}
