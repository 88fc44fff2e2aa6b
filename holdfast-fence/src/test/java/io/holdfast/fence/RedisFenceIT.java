package io.holdfast.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.BackendUnavailableException;
import io.holdfast.ErrorCode;
import io.holdfast.FencingToken;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LeaseLostException;
import io.holdfast.testkit.redis.RedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RedisFence on real servers: the locks live in one Redis, the fenced resource in another (and, for one test, in
 * the lock's own Redis), as the guard's javadoc promises.
 */
class RedisFenceIT {
  @RegisterExtension
  static RedisExtension lockRedis = RedisExtension.builder().build();

  @RegisterExtension
  static RedisExtension resourceRedis = RedisExtension.builder().flushBetweenTests().build();

  private static Holdfast locks;
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> resource;
  private static RedisFence fence;

  @BeforeAll
  static void open() {
    locks = Holdfast.connect(lockRedis.uri());
    client = RedisClient.create(resourceRedis.uri());
    resource = client.connect();
    fence = RedisFence.on(resource.async());
  }

  @AfterAll
  static void close() {
    resource.close();
    client.shutdown();
    locks.close();
  }

  @Test
  void set_pausedHolderWritesAfterNewerHolder_refusedWithNewerTokenAndValueKept() {
    try (PausedHolder run = PausedHolder.replay(locks, "orders/set")) {
      FencingToken newer = run.newer().fencingToken();
      assertThat(fence.set(newer, "orders:42", "shipped by B")).isEqualTo(new FenceVerdict(true, newer, "OK"));

      FenceVerdict late = fence.set(run.stale(), "orders:42", "cancelled by A");

      assertThat(late).isEqualTo(new FenceVerdict(false, newer, ""));
      assertThat(resource.sync().get("orders:42")).isEqualTo("shipped by B");
      assertThatThrownBy(() -> late.requireApplied("orders:42", run.stale()))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("fencing token " + run.stale() + " is below " + newer);
    }
  }

  @Test
  void hset_pausedHolderWritesAfterNewerHolder_refusedAndHashKept() {
    try (PausedHolder run = PausedHolder.replay(locks, "orders/hset")) {
      FencingToken newer = run.newer().fencingToken();
      assertThat(fence.hset(newer, "order:{7}", Map.of("status", "shipped"))).isEqualTo(
          new FenceVerdict(true, newer, "1"));

      assertThat(fence.hset(run.stale(), "order:{7}", Map.of("status", "cancelled", "note", "late")))
          .isEqualTo(new FenceVerdict(false, newer, ""));
      assertThat(resource.sync().hgetall("order:{7}")).isEqualTo(Map.of("status", "shipped"));
    }
  }

  @Test
  void xadd_pausedHolderAppendsAfterNewerHolder_refusedAndStreamHasOneEntry() {
    try (PausedHolder run = PausedHolder.replay(locks, "orders/xadd")) {
      FencingToken newer = run.newer().fencingToken();
      FenceVerdict appended = fence.xadd(newer, "events", Map.of("event", "shipped"));
      assertThat(appended.applied()).isTrue();
      assertThat(appended.reply()).matches("\\d+-\\d+");

      assertThat(fence.xadd(run.stale(), "events", Map.of("event", "cancelled")))
          .isEqualTo(new FenceVerdict(false, newer, ""));
      assertThat(resource.sync().xlen("events")).isEqualTo(1);
    }
  }

  @Test
  void set_resourceInTheLocksOwnRedis_pausedHolderRefused() {
    try (RedisClient sameClient = RedisClient.create(lockRedis.uri());
        StatefulRedisConnection<String, String> same = sameClient.connect();
        PausedHolder run = PausedHolder.replay(locks, "orders/same-redis")) {
      RedisFence sameFence = RedisFence.on(same.async());
      sameFence.set(run.newer().fencingToken(), "same:42", "B");
      assertThat(sameFence.set(run.stale(), "same:42", "A").applied()).isFalse();
      assertThat(same.sync().get("same:42")).isEqualTo("B");
    } finally {
      // the extension keeps lockRedis between tests; remove this test's keys
      lockRedis.server().command("DEL", "same:42", RedisFence.fenceKeyOf("same:42"));
    }
  }

  @Test
  void set_equalTokenAgain_applied() {
    FencingToken token = new FencingToken(500);
    fence.set(token, "k", "one");

    assertThat(fence.set(token, "k", "two")).isEqualTo(new FenceVerdict(true, token, "OK"));
    assertThat(resource.sync().get("k")).isEqualTo("two");
  }

  @Test
  void set_higherToken_raisesFenceKeyWithoutTtl() {
    fence.set(new FencingToken(9), "k", "a");
    fence.set(new FencingToken(10), "k", "b");

    assertThat(resource.sync().get("holdfast-fence:{k}")).isEqualTo("10");
    assertThat(resource.sync().ttl("holdfast-fence:{k}")).isEqualTo(-1);
    assertThat(fence.set(new FencingToken(9), "k", "c")).isEqualTo(new FenceVerdict(false, new FencingToken(10),
        ""));
  }

  @Test
  void set_tokensOfDifferentLengths_comparedAsNumbers() {
    fence.set(new FencingToken(Long.MAX_VALUE), "big", "max");

    assertThat(fence.set(new FencingToken(999_999_999_999_999_999L), "big", "lower").applied()).isFalse();
    assertThat(fence.set(new FencingToken(Long.MAX_VALUE), "big", "again").applied()).isTrue();
  }

  @Test
  void hset_keyHoldsAString_failsAndFenceDoesNotMove() {
    fence.set(new FencingToken(3), "typed", "a string");

    assertThatThrownBy(() -> fence.hset(new FencingToken(4), "typed", Map.of("f", "v")))
        .isInstanceOfSatisfying(HoldfastException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
        .hasMessageContaining("WRONGTYPE");
    assertThat(resource.sync().get(RedisFence.fenceKeyOf("typed"))).isEqualTo("3");
  }

  @Test
  void set_resourceRedisPaused_throwsUnavailableAfterTheGuardsTimeout() {
    RedisFence impatient = fence.withTimeout(Duration.ofMillis(200));
    resourceRedis.server().pause();
    try {
      assertThatThrownBy(() -> impatient.set(new FencingToken(1), "paused", "v"))
          .isInstanceOf(BackendUnavailableException.class)
          .hasMessageContaining("got no answer within PT0.2S; it may or may not have been applied");
    } finally {
      resourceRedis.server().resume();
    }
  }

  @Test
  void withTimeout_notPositive_refused() {
    assertThatThrownBy(() -> fence.withTimeout(Duration.ZERO)).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void set_afterScriptFlush_stillGuards() {
    fence.set(new FencingToken(20), "flushed", "a");
    resource.sync().scriptFlush();

    assertThat(fence.set(new FencingToken(19), "flushed", "b").applied()).isFalse();
    assertThat(fence.set(new FencingToken(21), "flushed", "c").applied()).isTrue();
  }
}
