package io.holdfast.redis;

import static io.holdfast.redis.RedisItSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.redis.LockScripts.SessionKeys;
import io.holdfast.redis.LockScripts.SessionRenewal;
import io.holdfast.redis.LockScripts.SessionTerms;
import io.holdfast.testkit.redis.RedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lock rules of a grant made in a lock-service session, at their one home: the library's scripts
 * (lockstate.lua, acquire.lua, release.lua, renew.lua, inspect.lua), called as the service calls them. The
 * service's store contract (holdfast-server LockStoreContract) covers the same rules end to end; this pins them
 * where they are written, including what a library client sees of a session grant.
 */
class SessionGrantScriptsIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static final String NAME = "acme/orders/42";
  private static final Duration NO_LISTING = Duration.ZERO;
  private static final String PRINCIPAL = "alice";

  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private RedisAsyncCommands<String, String> commands;
  private RedisCommands<String, String> sync;
  private LockScripts scripts;

  @BeforeEach
  void connect() {
    client = RedisClient.create(redis.uri());
    connection = client.connect();
    commands = connection.async();
    sync = connection.sync();
    sync.flushall(); // the server is shared by the class, and every test here uses the same lock name
    scripts = LockScripts.forService(commands, KeySpace.of("holdfast", false), false);
  }

  @AfterEach
  void close() {
    connection.close();
    client.shutdown();
  }

  @Test
  void sessionGrant_sessionExpired_staysInLockDelayForEveryone() {
    long now = redisMillis();
    List<Object> granted = acquire("s1", "owner-1", Duration.ZERO, terms("s1", now + 300, Duration.ofSeconds(30)));
    assertThat(granted.get(0)).isEqualTo(1L);
    long token = (Long) granted.get(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> (Long) await(scripts.inspect(NAME)).get(4) == 2L);

    List<Object> other = acquire("s2", "owner-2", Duration.ofSeconds(5),
        terms("s2", redisMillis() + 60_000, Duration.ZERO));
    assertThat(other.get(0)).as("busy for another session").isEqualTo(0L);
    assertThat(other.get(2)).as("delayed").isEqualTo(1L);
    assertThat((Long) other.get(1)).as("pttl").isPositive();
    List<Object> library = await(scripts.acquire(io.holdfast.LockName.of(NAME), io.holdfast.OwnerToken.of("lib"),
        Duration.ofSeconds(5), 7));
    assertThat(library.get(0)).as("busy for a library client").isEqualTo(0L);
    assertThat(await(scripts.release(NAME, "owner-1", token, 8))).as("old holder's release").isEqualTo(-1L);
    List<Object> reentry = acquire("s1", "owner-1", Duration.ZERO, terms("s1", redisMillis() + 60_000,
        Duration.ofSeconds(30)));
    assertThat(reentry.get(0)).as("old holder cannot re-enter a grant in lock-delay").isEqualTo(0L);
    assertThat(await(scripts.renewInSession(List.of(new SessionRenewal(NAME, "owner-1", token,
        Duration.ofSeconds(5))), "s1", redisMillis() + 60_000, PRINCIPAL))).as("renewal").containsExactly(0L);
  }

  @Test
  void sessionGrant_lockDelayPasses_nextGrantHasALargerToken() {
    long token = (Long) acquire("s1", "owner-1", Duration.ZERO,
        terms("s1", redisMillis() + 200, Duration.ofMillis(300))).get(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> (Long) acquire("s2", "owner-2", Duration.ofSeconds(5),
        terms("s2", redisMillis() + 60_000, Duration.ZERO)).get(0) == 1L);

    assertThat((Long) await(scripts.inspect(NAME)).get(1)).isGreaterThan(token);
  }

  @Test
  void sessionLease_leaseRunsOutBeforeSession_freeWithoutLockDelay() {
    acquire("s1", "owner-1", Duration.ofMillis(200), terms("s1", redisMillis() + 60_000, Duration.ofSeconds(60)));

    // At most the lease's 200 ms, not the session's minute (-2 if a stall let it expire already).
    assertThat(sync.pttl("holdfast:{" + NAME + "}")).as("the key expires with the lease")
        .isLessThanOrEqualTo(200L);
    await().atMost(Duration.ofSeconds(20)).until(() -> await(scripts.inspect(NAME)).isEmpty());
  }

  @Test
  void renewInSession_newSessionExpiry_movesTheGrantForwardButNeverRevives() {
    long now = redisMillis();
    long token = (Long) acquire("s1", "owner-1", Duration.ZERO, terms("s1", now + 60_000, Duration.ZERO)).get(1);

    List<Object> renewed = await(scripts.renewInSession(List.of(new SessionRenewal(NAME, "", 0, Duration.ZERO)),
        "s1", now + 120_000, PRINCIPAL));
    assertThat(renewed).containsExactly(1L);
    assertThat(sync.hget("holdfast:{" + NAME + "}", "e")).isEqualTo(Long.toString(now + 120_000));

    assertThat(await(scripts.force(NAME, token, "")).get(0)).isEqualTo(1L);
    assertThat(await(scripts.renewInSession(List.of(new SessionRenewal(NAME, "", 0, Duration.ZERO)), "s1",
        now + 180_000, PRINCIPAL))).as("a freed grant is not revived").containsExactly(0L);
    assertThat(sync.exists("holdfast:{" + NAME + "}")).isZero();
  }

  @Test
  void sessionGrant_sameOwnerAndTokenUnderAnotherPrincipal_noReentryReleaseOrRenewal() {
    long token = (Long) acquire("s1", "owner-1", Duration.ZERO, terms("s1", redisMillis() + 60_000, Duration.ZERO))
        .get(1);

    List<Object> reentry = await(scripts.acquireInSession(NAME, "owner-1", Duration.ZERO, 5,
        new SessionTerms("s2", redisMillis() + 60_000, Duration.ZERO, "it", "mallory"), NO_LISTING, null));
    assertThat(reentry.get(0)).as("another principal's re-entry is busy").isEqualTo(0L);
    assertThat(await(scripts.releaseInSession(NAME, "owner-1", token, 9, "mallory"))).isEqualTo(-1L);
    assertThat(await(scripts.renewInSession(List.of(new SessionRenewal(NAME, "owner-1", token,
        Duration.ofSeconds(5))), "s2", redisMillis() + 60_000, "mallory"))).containsExactly(0L);
    assertThat(sync.hget("holdfast:{" + NAME + "}", "c")).as("still one hold").isNull();
    assertThat(sync.hget("holdfast:{" + NAME + "}", "x")).as("the lease deadline did not move").isEqualTo("0");

    List<Object> shared = acquire("s3", "owner-1", Duration.ZERO, terms("s3", redisMillis() + 60_000,
        Duration.ZERO));
    assertThat(shared).as("the same principal's other session re-enters").containsExactly(1L, token, 2L, 0L);
    assertThat(await(scripts.releaseInSession(NAME, "owner-1", token, 10, PRINCIPAL))).isEqualTo(1L);
    assertThat(await(scripts.releaseInSession(NAME, "owner-1", token, 11, PRINCIPAL))).isZero();
  }

  @Test
  void acquireInSession_colocatedKeys_bindsAndListsTheGrantInTheSameStep() {
    SessionKeys keys = new SessionKeys("holdfast:session:{s1}", "holdfast:session:{s1}:locks",
        "holdfast:{locks}:index", "holdfast:{locks}:gen");
    sync.hset("holdfast:session:{s1}", "e", Long.toString(redisMillis() + 60_000));
    sync.pexpire("holdfast:session:{s1}", 120_000);

    List<Object> granted = await(scripts.acquireInSession(NAME, "owner-1", Duration.ofSeconds(10), 1,
        terms("s1", 1, Duration.ZERO), NO_LISTING, keys));

    assertThat(granted.get(0)).as("granted with the session's own expiry, not the stale one passed").isEqualTo(1L);
    assertThat(sync.hget(keys.sessionLocks(), "holdfast:{" + NAME + "}")).isEqualTo("1");
    assertThat(sync.zscore(keys.lockIndex(), NAME)).isEqualTo(0.0);
    assertThat(sync.hget(keys.lockIndexGenerations(), NAME)).isEqualTo("1");
    assertThat(sync.pttl(keys.sessionLocks())).isPositive();

    sync.del("holdfast:session:{s1}");
    assertThat(await(scripts.acquireInSession("acme/other", "owner-1", Duration.ofSeconds(10), 2,
        terms("s1", redisMillis() + 60_000, Duration.ZERO), NO_LISTING, keys)))
        .as("a session that is gone gets no grant").containsExactly(-2L);
  }

  private List<Object> acquire(String session, String owner, Duration ttl, SessionTerms terms) {
    return await(scripts.acquireInSession(NAME, owner, ttl, System.nanoTime(), terms, NO_LISTING, null));
  }

  private static SessionTerms terms(String session, long expiry, Duration delay) {
    return new SessionTerms(session, expiry, delay, "it", PRINCIPAL);
  }

  private long redisMillis() {
    List<String> time = sync.time();
    return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
  }
}
