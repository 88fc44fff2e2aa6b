package io.holdfast.redis;

import static io.holdfast.redis.RedisItSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.FencingToken;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.testkit.redis.RedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The independent-masters holder scripts on one real server, at the level of their headers: the slot grant and its
 * busy reply (semaphore_slot_acquire.lua), the token round (holders_adopt.lua), the give-back (holders_undo.lua)
 * and the holder listing (holders_count.lua's list).
 */
class QuorumHolderScriptsIT {
  @RegisterExtension
  static RedisExtension redis = RedisExtension.builder().flushBetweenTests().build();

  private static final Duration TTL = Duration.ofSeconds(20);
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;
  private static HolderScripts scripts;

  @BeforeAll
  static void open() {
    client = RedisClient.create(redis.uri());
    connection = client.connect();
    scripts = HolderScripts.of(new LockScripts(connection.async(), KeySpace.standalone("holdfast"), false));
  }

  @AfterAll
  static void close() {
    connection.close();
    client.shutdown();
  }

  @Test
  void slotAcquire_takenSlotOrFull_busyWithTheTakenSlots_freeSlotGranted() {
    LockName name = LockName.of("slots");
    OwnerToken a = OwnerToken.random();
    OwnerToken b = OwnerToken.random();
    assertThat(await(scripts.slotAcquire(name, a, TTL, 1, 3, 2)).get(0)).isEqualTo(1L);
    List<Object> busy = await(scripts.slotAcquire(name, b, TTL, 2, 3, 2));
    assertThat(busy.subList(0, 1)).containsExactly(0L);
    assertThat((Long) busy.get(1)).isBetween(15_000L, 20_000L);
    assertThat(busy.subList(2, busy.size())).containsExactly(-1L, 2L);
    assertThat(await(scripts.slotAcquire(name, b, TTL, 3, 3, 0)).get(0)).isEqualTo(1L);
    assertThat(await(scripts.slotAcquire(name, OwnerToken.random(), TTL, 4, 2, 1)).subList(2, 5))
        .as("two hold, two permits: full").containsExactlyInAnyOrder(-1L, 2L, 0L);
    assertThat(await(scripts.slotAcquire(name, a, TTL, 5, 3, 1)).subList(2, 3))
        .as("a holds slot 2: no second slot, no re-entry in another").containsExactly(2L);
    List<Object> again = await(scripts.slotAcquire(name, a, TTL, 6, 3, 2));
    assertThat(again.subList(2, 4)).containsExactly(2L, 0L);
    assertThat(await(scripts.holders(name, "sem"))).hasSize(2);
  }

  @Test
  void slotIndex_ofAnExpiredHolder_ignoredAndTheSlotGranted() {
    LockName name = LockName.of("stale");
    OwnerToken a = OwnerToken.random();
    List<Object> granted = await(scripts.slotAcquire(name, a, Duration.ofMillis(50), 1, 1, 0));
    assertThat(granted.get(0)).isEqualTo(1L);
    redis.server().command("PERSIST", "holdfast:{stale}:sem");
    redis.server().command("PERSIST", "holdfast:{stale}:sem:x");
    org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(100)).until(() -> true);
    OwnerToken b = OwnerToken.random();
    List<Object> next = await(scripts.slotAcquire(name, b, TTL, 2, 1, 0));
    assertThat(next.get(0)).isEqualTo(1L);
    assertThat(redis.server().command("HGET", "holdfast:{stale}:sem", "k0")).isEqualTo(b.value() + " " + next.get(1));
  }

  @Test
  void adopt_settledToken_carriedByHoldAndIndex_counterRaised_sameTokenOfAnotherHoldRefused() {
    LockName name = LockName.of("adopt");
    OwnerToken a = OwnerToken.random();
    OwnerToken b = OwnerToken.random();
    long tokenA = (Long) await(scripts.slotAcquire(name, a, TTL, 11, 2, 0)).get(1);
    long tokenB = (Long) await(scripts.slotAcquire(name, b, TTL, 12, 2, 1)).get(1);
    long settled = tokenB + 1_000_000;
    assertThat(await(scripts.adopt(name, "sem", "p" + a.value(), a, 99, settled, 1, 0))).as("other attempt")
        .isZero();
    assertThat(await(scripts.adopt(name, "sem", "p" + a.value(), a, 11, settled, 1, 1))).as("other slot").isZero();
    assertThat(await(scripts.adopt(name, "sem", "p" + a.value(), a, 11, settled, 2, 0))).isEqualTo(1L);
    assertThat(redis.server().command("HGET", "holdfast:{adopt}:sem", "p" + a.value()))
        .isEqualTo(a.value() + " " + settled + " 2 11 0");
    assertThat(redis.server().command("HGET", "holdfast:{adopt}:sem", "k0")).isEqualTo(a.value() + " " + settled);
    assertThat(redis.server().command("GET", "holdfast:fence")).isEqualTo(Long.toString(settled));
    assertThat(await(scripts.adopt(name, "sem", "p" + b.value(), b, 12, settled, 1, 1)))
        .as("another hold carries that token here").isZero();
    assertThat(await(scripts.holders(name, "sem"))).containsExactlyInAnyOrder(a.value() + " " + settled,
        b.value() + " " + tokenB);
    assertThat(tokenA).isLessThan(tokenB);
  }

  @Test
  void undo_attemptsHold_givenBackOnceAndPublished_keysGoWithTheLast() {
    LockName name = LockName.of("undo");
    OwnerToken writer = OwnerToken.random();
    List<Object> granted = await(scripts.rwAcquire(name, "w", writer, TTL, 21, "0"));
    assertThat(granted.get(0)).isEqualTo(1L);
    assertThat(await(scripts.rwAcquire(name, "w", writer, TTL, 22, "0")).subList(0, 3))
        .containsExactly(1L, granted.get(1), 2L);
    assertThat(await(scripts.undo(name, "rw", "w", writer, 21))).as("not the last change").isZero();
    assertThat(await(scripts.undo(name, "rw", "w", writer, 22))).isEqualTo(1L);
    assertThat(await(scripts.undo(name, "rw", "w", writer, 22))).as("given back once").isZero();
    assertThat(await(scripts.release(name, "rw", "w", writer, new FencingToken((Long) granted.get(1)), 23)))
        .isZero();
    OwnerToken other = OwnerToken.random();
    assertThat(await(scripts.slotAcquire(name, other, TTL, 31, 1, 0)).get(0)).isEqualTo(1L);
    assertThat(await(scripts.undo(name, "sem", "p" + other.value(), other, 31))).isEqualTo(1L);
    assertThat(RedisItSupport.dbSize(redis.server())).isEqualTo(1); // the fence counter only
  }
}
