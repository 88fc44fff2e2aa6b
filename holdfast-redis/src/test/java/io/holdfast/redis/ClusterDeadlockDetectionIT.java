package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.AcquireRequest;
import io.holdfast.DeadlockException;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.OwnerToken;
import io.holdfast.WaitCycle;
import io.holdfast.testkit.redis.ClusterTopology;
import io.holdfast.testkit.redis.RedisServer;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deadlock detection on Redis Cluster, where the parties' wait keys and the locks sit in different slots (the
 * search walks them from the client, one single-key script at a time): a three-party cycle is found.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterDeadlockDetectionIT {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration LONG_WAIT = Duration.ofSeconds(60);
  private static ClusterTopology cluster;

  @BeforeAll
  static void start() {
    cluster = ClusterTopology.start(3, 0, Duration.ofSeconds(5));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void threeParties_locksAndWaitsInManySlots_closerFailsNamingTheCycle() throws Exception {
    String[] locks = {"c/x-" + UUID.randomUUID(), "c/y-" + UUID.randomUUID(), "c/z-" + UUID.randomUUID()};
    OwnerToken[] owners = {OwnerToken.of("a-" + UUID.randomUUID()), OwnerToken.of("b-" + UUID.randomUUID()),
        OwnerToken.of("c-" + UUID.randomUUID())};
    try (Holdfast client = Holdfast.connect(
        DeadlockDetectionIT.quietWaiters(cluster.uri() + "?deadlockDetection=requester"))) {
      Lease[] held = new Lease[3];
      for (int i = 0; i < 3; i++) {
        held[i] = client.acquire(AcquireRequest.of(locks[i], TTL).withOwner(owners[i]));
      }
      CompletableFuture<Lease> aWaits = client.acquireAsync(AcquireRequest.of(locks[1], TTL).withOwner(owners[0])
          .withWait(LONG_WAIT));
      CompletableFuture<Lease> bWaits = client.acquireAsync(AcquireRequest.of(locks[2], TTL).withOwner(owners[1])
          .withWait(LONG_WAIT));
      for (int i = 0; i < 2; i++) { // both edges recorded (each in its party's slot) before the third wait
        String key = "holdfast:waits:{" + owners[i] + "}";
        RedisServer node = cluster.masterOf(SlotHash.getSlot(key));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
            .until(() -> (Long) node.command("EXISTS", key) == 1L);
      }

      assertThatThrownBy(() -> client.acquire(AcquireRequest.of(locks[0], TTL).withOwner(owners[2])
          .withWait(LONG_WAIT)))
          .isInstanceOfSatisfying(DeadlockException.class, e -> assertThat(e.cycle().steps()).containsExactly(
              new WaitCycle.Step(owners[2].value(), locks[0]), new WaitCycle.Step(owners[0].value(), locks[1]),
              new WaitCycle.Step(owners[1].value(), locks[2])));

      held[2].release();
      bWaits.get(30, TimeUnit.SECONDS).release();
      held[1].release();
      assertThat(aWaits.get(30, TimeUnit.SECONDS).isValid()).isTrue();
    }
  }
}
