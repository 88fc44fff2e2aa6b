package io.holdfast.redis;

import static io.holdfast.redis.RedisItSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.LockName;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.testkit.redis.RedisExtension;
import io.holdfast.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Release wake-ups over the one shared pub/sub connection: reference counting and the close/subscribe race. */
@Timeout(120)
class ReleaseChannelsIT {
  @RegisterExtension
  static RedisExtension redis = RedisExtension.builder().flushBetweenTests().build();

  private static RedisLockBackend backend;

  @BeforeAll
  static void open() {
    backend = RedisItSupport.open(redis.uri(), Duration.ofSeconds(2));
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @Test
  void twoListenersOfOneLock_shareOneSubscriptionUntilTheLastCloses(RedisServer server) throws Exception {
    LockName name = LockName.of("channels/shared");
    String channel = "holdfast:{channels/shared}:released";
    AtomicInteger first = new AtomicInteger();
    CountDownLatch second = new CountDownLatch(2);
    ReleaseSubscription a = await(backend.subscribe(name, first::incrementAndGet));
    ReleaseSubscription b = await(backend.subscribe(name, second::countDown));
    assertThat(numSub(server, channel)).isEqualTo(1L);

    assertThat(server.command("PUBLISH", channel, "1")).isEqualTo(1L);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> first.get() == 1);
    a.close();
    a.close();
    assertThat(server.command("PUBLISH", channel, "2")).isEqualTo(1L);
    assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(first).hasValue(1);

    b.close();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> numSub(server, channel) == 0L);
    assertThat(backend.activeReleaseChannels()).isZero();
  }

  @Test
  void listenerThatThrows_doesNotStopDeliveryToOthers(RedisServer server) throws Exception {
    LockName name = LockName.of("channels/throwing");
    CountDownLatch delivered = new CountDownLatch(1);
    ReleaseSubscription bad = await(backend.subscribe(name, () -> {
      throw new IllegalStateException("listener bug (expected in this test)");
    }));
    ReleaseSubscription good = await(backend.subscribe(name, delivered::countDown));

    server.command("PUBLISH", "holdfast:{channels/throwing}:released", "1");

    assertThat(delivered.await(5, TimeUnit.SECONDS)).isTrue();
    bad.close();
    good.close();
  }

  @Test
  void lastCloseRacingNewSubscribe_leavesTheServerSubscribed(RedisServer server) throws Exception {
    LockName name = LockName.of("channels/race");
    String channel = "holdfast:{channels/race}:released";
    for (int round = 0; round < 300; round++) {
      ReleaseSubscription old = await(backend.subscribe(name, () -> { }));
      CountDownLatch woken = new CountDownLatch(1);
      CompletableFuture<Void> closing = CompletableFuture.runAsync(old::close);
      ReleaseSubscription fresh = await(backend.subscribe(name, woken::countDown));
      closing.join();

      assertThat(numSub(server, channel)).as("round " + round).isEqualTo(1L);
      server.command("PUBLISH", channel, "1");
      assertThat(woken.await(5, TimeUnit.SECONDS)).as("round " + round).isTrue();
      fresh.close();
    }
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> numSub(server, channel) == 0L);
  }

  private static long numSub(RedisServer server, String channel) {
    return (Long) ((List<?>) server.command("PUBSUB", "NUMSUB", channel)).get(1);
  }
}
