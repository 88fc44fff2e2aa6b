package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LeaseLostException;
import io.holdfast.LeaseLostReason;
import io.holdfast.ReadWriteLock;
import io.holdfast.Semaphore;
import io.holdfast.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A read/write-lock hold or a permit whose state vanished from Redis (data loss, a flush) is reported lost by the
 * next renewal with reason NOT_OWNER, through the same renewal tick as a lock, and its release then fails.
 */
class RedisPrimitivesLossIT {
  @RegisterExtension
  static RedisExtension redis = RedisExtension.builder().flushBetweenTests().build();

  @Test
  void readHold_keysDeleted_nextRenewalReportsNotOwner() {
    try (Holdfast client = Holdfast.connect(HoldfastOptions.builder().backend(redis.uri()).build())) {
      AtomicReference<LeaseLostReason> lost = new AtomicReference<>();
      ReadWriteLock lock = client.readWriteLock("loss/rw");
      Lease read = lock.readLock().acquire(lock.readLock().request(Duration.ofSeconds(1))
          .onLeaseLost((lease, reason) -> lost.set(reason)));
      redis.server().command("DEL", "holdfast:{loss/rw}:rw", "holdfast:{loss/rw}:rw:x");
      await().atMost(Duration.ofSeconds(5)).until(() -> lost.get() != null);
      assertThat(lost.get()).isEqualTo(LeaseLostReason.NOT_OWNER);
      assertThat(read.isValid()).isFalse();
      assertThatThrownBy(read::release).isInstanceOf(LeaseLostException.class);
    }
  }

  @Test
  void permit_keysDeleted_nextRenewalReportsNotOwnerAndPermitIsFreeForOthers() {
    try (Holdfast client = Holdfast.connect(HoldfastOptions.builder().backend(redis.uri()).build())) {
      AtomicReference<LeaseLostReason> lost = new AtomicReference<>();
      Semaphore semaphore = client.semaphore("loss/sem", 1);
      Lease permit = semaphore.acquire(semaphore.request(Duration.ofSeconds(1))
          .onLeaseLost((lease, reason) -> lost.set(reason)));
      redis.server().command("DEL", "holdfast:{loss/sem}:sem", "holdfast:{loss/sem}:sem:x");
      await().atMost(Duration.ofSeconds(5)).until(() -> lost.get() != null);
      assertThat(lost.get()).isEqualTo(LeaseLostReason.NOT_OWNER);
      try (Lease next = semaphore.tryAcquire(Duration.ofSeconds(5), Duration.ZERO).orElseThrow()) {
        assertThat(next.fencingToken()).isGreaterThan(permit.fencingToken());
      }
    }
  }
}
