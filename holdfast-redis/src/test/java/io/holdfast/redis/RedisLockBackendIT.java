package io.holdfast.redis;

import static io.holdfast.redis.RedisItSupport.await;
import static io.holdfast.redis.RedisItSupport.nextRequestId;
import static io.holdfast.redis.RedisItSupport.pttl;
import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.FencingToken;
import io.holdfast.LockName;
import io.holdfast.LockState;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.AcquireOutcome.Busy;
import io.holdfast.spi.AcquireOutcome.Granted;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseOutcome.NotOwner;
import io.holdfast.spi.ReleaseOutcome.Released;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewRequest;
import io.holdfast.testkit.redis.RedisExtension;
import io.holdfast.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each Lua script against a real redis-server: grant, busy, re-entry, idempotent retries, tokens, inspect. */
@Timeout(60)
class RedisLockBackendIT {
  @RegisterExtension
  static RedisExtension redis = RedisExtension.builder().flushBetweenTests().build();

  private static final Duration TTL = Duration.ofSeconds(10);
  private static RedisLockBackend backend;

  private final OwnerToken alice = OwnerToken.random();
  private final OwnerToken bob = OwnerToken.random();

  @BeforeAll
  static void open() {
    backend = RedisItSupport.open(redis.uri(), Duration.ofSeconds(2));
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @Test
  void acquire_freeLock_grantsWithOneHoldInACompactHash(RedisServer server) {
    LockName name = LockName.of("it/grant");
    long request = nextRequestId();
    Granted granted = granted(acquire(name, alice, TTL, request));

    assertThat(granted.holdCount()).isEqualTo(1);
    assertThat(hash(server, "holdfast:{it/grant}")).containsOnly(
        Map.entry("o", alice.value()), Map.entry("t", Long.toString(granted.fencingToken().value())),
        Map.entry("r", Long.toString(request)));
    assertThat(pttl(server, "holdfast:{it/grant}")).isBetween(9_000L, 10_000L);
    assertThat(server.command("GET", "holdfast:fence")).isEqualTo(Long.toString(granted.fencingToken().value()));
  }

  @Test
  void acquire_heldByAnotherOwner_isBusyWithHoldersRemainingTtl() {
    LockName name = LockName.of("it/busy");
    granted(acquire(name, alice, TTL, nextRequestId()));

    AcquireOutcome outcome = acquire(name, bob, Duration.ofSeconds(30), nextRequestId());

    assertThat(outcome).isInstanceOf(Busy.class);
    assertThat(((Busy) outcome).remainingTtl()).isBetween(Duration.ofSeconds(9), TTL);
  }

  @Test
  void acquire_sameOwner_reentersWithSameTokenCountPlusOneAndLongerTtl(RedisServer server) {
    LockName name = LockName.of("it/reentry");
    Granted first = granted(acquire(name, alice, Duration.ofSeconds(2), nextRequestId()));

    Granted second = granted(acquire(name, alice, TTL, nextRequestId()));
    assertThat(second.fencingToken()).isEqualTo(first.fencingToken());
    assertThat(second.holdCount()).isEqualTo(2);
    assertThat(pttl(server, "holdfast:{it/reentry}")).isGreaterThan(9_000L);

    Granted third = granted(acquire(name, alice, Duration.ofSeconds(1), nextRequestId()));
    assertThat(third.holdCount()).isEqualTo(3);
    assertThat(pttl(server, "holdfast:{it/reentry}")).as("a shorter TTL never cuts the lease").isGreaterThan(8_000L);
  }

  @Test
  void acquire_retriedWithSameRequestId_returnsEarlierGrantWithoutCounting(RedisServer server) {
    LockName name = LockName.of("it/idempotent-acquire");
    long first = nextRequestId();
    Granted granted = granted(acquire(name, alice, TTL, first));
    assertThat(granted(acquire(name, alice, TTL, first))).isEqualTo(granted);

    long second = nextRequestId();
    Granted reentered = granted(acquire(name, alice, TTL, second));
    assertThat(granted(acquire(name, alice, TTL, second))).isEqualTo(reentered);
    assertThat(reentered.holdCount()).isEqualTo(2);
    assertThat(server.command("HGET", "holdfast:{it/idempotent-acquire}", "c")).isEqualTo("2");
  }

  @Test
  void release_byAnotherOwner_isNotOwnerAndLeavesTheKeyUnchanged(RedisServer server) {
    LockName name = LockName.of("it/not-owner");
    Granted granted = granted(acquire(name, alice, TTL, nextRequestId()));
    Map<String, String> before = hash(server, "holdfast:{it/not-owner}");

    ReleaseOutcome outcome = await(backend.release(name, bob, granted.fencingToken(), nextRequestId()));

    assertThat(outcome).isInstanceOf(NotOwner.class);
    assertThat(hash(server, "holdfast:{it/not-owner}")).isEqualTo(before);
    assertThat(pttl(server, "holdfast:{it/not-owner}")).isGreaterThan(9_000L);
  }

  @Test
  void release_staleTokenOfSameOwner_isRefusedAndNewerGrantStays(RedisServer server) {
    LockName name = LockName.of("it/stale-token");
    Granted old = granted(acquire(name, alice, TTL, nextRequestId()));
    assertThat(await(backend.release(name, alice, old.fencingToken(), nextRequestId()))).isEqualTo(new Released(0));
    Granted newer = granted(acquire(name, alice, TTL, nextRequestId()));

    ReleaseOutcome outcome = await(backend.release(name, alice, old.fencingToken(), nextRequestId()));

    assertThat(outcome).isInstanceOf(NotOwner.class);
    assertThat(server.command("HGET", "holdfast:{it/stale-token}", "t"))
        .isEqualTo(Long.toString(newer.fencingToken().value()));
  }

  @Test
  void release_retriedWithSameRequestId_releasesOnlyOneHold(RedisServer server) {
    LockName name = LockName.of("it/idempotent-release");
    Granted granted = granted(acquire(name, alice, TTL, nextRequestId()));
    granted(acquire(name, alice, TTL, nextRequestId()));
    granted(acquire(name, alice, TTL, nextRequestId()));
    FencingToken token = granted.fencingToken();

    long request = nextRequestId();
    assertThat(await(backend.release(name, alice, token, request))).isEqualTo(new Released(2));
    assertThat(await(backend.release(name, alice, token, request))).isEqualTo(new Released(2));
    assertThat(await(backend.release(name, alice, token, nextRequestId()))).isEqualTo(new Released(1));
    assertThat(hash(server, "holdfast:{it/idempotent-release}")).as("a single hold is stored without c")
        .containsOnlyKeys("o", "t", "r");
    assertThat(await(backend.release(name, alice, token, nextRequestId()))).isEqualTo(new Released(0));
  }

  @Test
  void release_lastHold_deletesTheKeyAndPublishesToSubscribers(RedisServer server) throws Exception {
    LockName name = LockName.of("it/publish");
    Granted granted = granted(acquire(name, alice, TTL, nextRequestId()));
    CountDownLatch woken = new CountDownLatch(1);
    ReleaseSubscription subscription = await(backend.subscribe(name, woken::countDown));
    try {
      assertThat(server.command("PUBSUB", "CHANNELS", "holdfast:*"))
          .isEqualTo(List.of("holdfast:{it/publish}:released"));

      assertThat(await(backend.release(name, alice, granted.fencingToken(), nextRequestId())))
          .isEqualTo(new Released(0));

      assertThat(woken.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(server.command("EXISTS", "holdfast:{it/publish}")).isEqualTo(0L);
    } finally {
      subscription.close();
    }
  }

  @Test
  void tokens_acrossReleaseExpiryAndDataLoss_strictlyIncrease(RedisServer server) throws Exception {
    LockName name = LockName.of("it/tokens");
    FencingToken t1 = granted(acquire(name, alice, TTL, nextRequestId())).fencingToken();
    await(backend.release(name, alice, t1, nextRequestId()));
    FencingToken t2 = granted(acquire(name, bob, Duration.ofMillis(30), nextRequestId())).fencingToken();
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> server.command("EXISTS", "holdfast:{it/tokens}").equals(0L));
    FencingToken t3 = granted(acquire(name, alice, TTL, nextRequestId())).fencingToken();
    server.command("FLUSHALL");
    FencingToken t4 = granted(acquire(name, bob, TTL, nextRequestId())).fencingToken();
    FencingToken other = granted(acquire(LockName.of("it/tokens-other"), bob, TTL, nextRequestId())).fencingToken();

    assertThat(List.of(t1, t2, t3, t4, other)).isSortedAccordingTo(FencingToken::compareTo).doesNotHaveDuplicates();
    assertThat(t4.value()).as("the TIME floor: microseconds since the epoch").isGreaterThan(1_600_000_000_000_000L);
  }

  @Test
  void tokens_counterAheadOfTheClock_continueFromTheCounter(RedisServer server) {
    long ahead = 4_000_000_000_000_000L; // year 2096 in microseconds: as if the host clock stepped back
    server.command("SET", "holdfast:fence", Long.toString(ahead));

    FencingToken token = granted(acquire(LockName.of("it/ahead"), alice, TTL, nextRequestId())).fencingToken();

    assertThat(token.value()).isEqualTo(ahead + 1);
    assertThat(server.command("GET", "holdfast:fence")).isEqualTo(Long.toString(ahead + 1));
  }

  @Test
  void tokens_staleCounterAsAfterFailoverToALaggingReplica_stillExceedEarlierGrants(RedisServer server) {
    FencingToken before = granted(acquire(LockName.of("it/stale"), alice, TTL, nextRequestId())).fencingToken();
    await(backend.release(LockName.of("it/stale"), alice, before, nextRequestId()));
    server.command("SET", "holdfast:fence", "5"); // present but far behind: the replica missed the updates

    FencingToken after = granted(acquire(LockName.of("it/stale"), bob, TTL, nextRequestId())).fencingToken();

    assertThat(after).isGreaterThan(before);
  }

  @Test
  void renew_batchOfMixedTtls_extendsEachHeldLeaseByItsOwnTtl(RedisServer server) {
    LockName a = LockName.of("it/renew-a");
    LockName b = LockName.of("it/renew-b");
    LockName c = LockName.of("it/renew-c");
    FencingToken ta = granted(acquire(a, alice, Duration.ofSeconds(5), nextRequestId())).fencingToken();
    FencingToken tb = granted(acquire(b, alice, Duration.ofSeconds(5), nextRequestId())).fencingToken();
    FencingToken tc = granted(acquire(c, bob, Duration.ofSeconds(5), nextRequestId())).fencingToken();

    List<Boolean> renewed = await(backend.renew(List.of(
        new RenewRequest(a, alice, ta, Duration.ofSeconds(20)), new RenewRequest(b, alice, tb, Duration.ofSeconds(20)),
        new RenewRequest(c, alice, tc, Duration.ofSeconds(40)), new RenewRequest(c, bob, tc, Duration.ofSeconds(60)))));

    assertThat(renewed).containsExactly(true, true, false, true);
    assertThat(pttl(server, "holdfast:{it/renew-a}")).isBetween(19_000L, 20_000L);
    assertThat(pttl(server, "holdfast:{it/renew-b}")).isBetween(19_000L, 20_000L);
    assertThat(pttl(server, "holdfast:{it/renew-c}")).isBetween(59_000L, 60_000L);
  }

  @Test
  void inspect_heldAndFree_reportsOneConsistentSnapshot() {
    LockName name = LockName.of("it/inspect");
    assertThat(await(backend.inspect(name))).isEmpty();
    Granted granted = granted(acquire(name, alice, TTL, nextRequestId()));
    granted(acquire(name, alice, TTL, nextRequestId()));

    Optional<LockState> state = await(backend.inspect(name));

    assertThat(state).isPresent();
    assertThat(state.get().owner()).isEqualTo(alice);
    assertThat(state.get().fencingToken()).isEqualTo(granted.fencingToken());
    assertThat(state.get().holdCount()).isEqualTo(2);
    assertThat(state.get().remainingTtl()).isBetween(Duration.ofSeconds(9), TTL);
  }

  @Test
  void describe_namesUriWithoutPasswordAndServerVersion() {
    assertThat(backend.describe()).matches("redis://127\\.0\\.0\\.1:\\d+ \\(Redis \\d+\\.\\d+\\.\\d+\\)");
  }

  private static AcquireOutcome acquire(LockName name, OwnerToken owner, Duration ttl, long requestId) {
    return await(backend.tryAcquire(name, owner, ttl, requestId));
  }

  private static Granted granted(AcquireOutcome outcome) {
    assertThat(outcome).isInstanceOf(Granted.class);
    return (Granted) outcome;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> hash(RedisServer server, String key) {
    List<String> flat = (List<String>) server.command("HGETALL", key);
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < flat.size(); i += 2) {
      map.put(flat.get(i), flat.get(i + 1));
    }
    return map;
  }
}
