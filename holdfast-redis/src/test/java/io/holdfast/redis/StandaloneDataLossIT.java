package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LeaseLostReason;
import io.holdfast.testkit.redis.RedisExtension;
import io.holdfast.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What docs/guarantees.md says a restart without persistence does on one server: the lock is free for the next
 * caller while its holder still holds a valid-looking lease (exclusion is lost), the holder learns at its next
 * renewal, and the new grant's token is still larger (the TIME floor).
 */
@Timeout(60)
class StandaloneDataLossIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @Test
  void restartWithoutPersistence_freesTheLock_holderLearnsNotOwner_tokenStillGrows(RedisServer server) {
    // 2 s, not less: connecting loads the scripts within one operation timeout, which a loaded 2-core machine
    // can take longer than 500 ms to answer; the lease (6 s, renewed every 2 s) still learns NOT_OWNER in time.
    HoldfastOptions.Builder options = HoldfastOptions.builder().backend(redis.uri())
        .operationTimeout(Duration.ofSeconds(2));
    try (Holdfast holder = Holdfast.connect(options.clientName("holder").build());
        Holdfast other = Holdfast.connect(options.clientName("other").build())) {
      List<LeaseLostReason> lost = new CopyOnWriteArrayList<>();
      Lease held = holder.acquire(AcquireRequest.of("data-loss/lock", Duration.ofSeconds(6))
          .onLeaseLost((lease, reason) -> lost.add(reason)));
      server.kill();
      server.restart();
      Optional<Lease> taken = Optional.empty();
      while (taken.isEmpty()) {
        try {
          taken = other.tryAcquire(AcquireRequest.of("data-loss/lock", Duration.ofSeconds(30)).withWait(Duration.ZERO));
        } catch (io.holdfast.BackendUnavailableException reconnecting) {
          Thread.onSpinWait();
        }
      }
      assertThat(held.isValid()).as("the old holder still believes it holds the lock").isTrue();
      assertThat(taken.get().fencingToken()).isGreaterThan(held.fencingToken());
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !lost.isEmpty());
      assertThat(lost).containsExactly(LeaseLostReason.NOT_OWNER);
      taken.get().release();
    }
  }
}
