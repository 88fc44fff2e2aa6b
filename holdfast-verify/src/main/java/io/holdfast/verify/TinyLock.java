package io.holdfast.verify;

import io.holdfast.HoldfastOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/*
 * A tiny Redis lock written for the negative controls, never for use: SET NX with a token from INCR, polling to
 * wait. With Flaw.NONE it is a correct (if naive) fenced lease and the checkers find nothing; each other flaw
 * breaks exactly one rule the checkers must catch:
 *
 *   RELEASE_BY_DEL             release is a plain DEL, so a holder whose lease expired deletes its successor's
 *   RENEW_WITHOUT_OWNER_CHECK  renew is a plain PEXPIRE, so a stale holder extends its successor's lease
 *   WALL_CLOCK_VALIDITY        validity is acquiredAt + TTL on the (injectable, steppable) wall clock
 *   REUSES_TOKENS              the token is read from the counter but never written back, so every grant gets 1
 *   EXPIRES_EARLY              Redis keeps the key for half the TTL the holder believes it has
 *   EXPIRES_LATE               Redis keeps the key for 5 TTLs, so a dead holder blocks its lock that long
 *
 * Its validity ends the library's drift allowance before Redis's expiry (HoldfastOptions.driftAllowance, the one
 * home of that rule): Redis times a key's expiry with its wall clock, and a correct lock's client must not believe
 * in a lease past it when that clock runs faster than the client's monotonic one (on the CI machine of session 8
 * it ran 0.5% fast, and a validity of the bare TTL outlived the key by up to 3.4 ms).
 *
 * It lives here, not in holdfast-redis, so that breaking it can never break the library.
 */
final class TinyLock implements LockDriver {
  enum Flaw {
    NONE, RELEASE_BY_DEL, RENEW_WITHOUT_OWNER_CHECK, WALL_CLOCK_VALIDITY, REUSES_TOKENS, EXPIRES_EARLY, EXPIRES_LATE
  }

  private static final String ACQUIRE = "if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end "
      + "local t = redis.call('INCR', KEYS[2]) "
      + "redis.call('SET', KEYS[1], ARGV[1] .. ':' .. t, 'PX', ARGV[2]) return t";
  private static final String ACQUIRE_WITHOUT_COUNTING = ACQUIRE.replace("redis.call('INCR', KEYS[2])",
      "(tonumber(redis.call('GET', KEYS[2])) or 0) + 1");
  private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
      + "return redis.call('DEL', KEYS[1]) end return 0";
  private static final String RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
      + "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
  private static final Duration POLL = Duration.ofMillis(5);

  private final Flaw flaw;
  private final Clock wallClock;
  private final HoldfastOptions allowance;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisCommands<String, String> redis;

  TinyLock(String uri, Flaw flaw, Clock wallClock, Duration timeout) {
    this.flaw = flaw;
    this.wallClock = wallClock;
    this.allowance = HoldfastOptions.builder().backend(uri).build();
    RedisURI redisUri = RedisURI.create(uri);
    redisUri.setTimeout(timeout);
    this.client = RedisClient.create(redisUri);
    this.connection = client.connect();
    this.redis = connection.sync();
  }

  @Override
  public Held tryAcquire(String lock, String owner, Duration ttl, Duration wait, boolean autoRenew) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long sent = System.nanoTime();
      Long token = redis.eval(flaw == Flaw.REUSES_TOKENS ? ACQUIRE_WITHOUT_COUNTING : ACQUIRE,
          ScriptOutputType.INTEGER, new String[] {key(lock), "tiny:fence"}, owner, redisTtl(ttl));
      if (token != null && token > 0) {
        return new TinyHeld(key(lock), owner, token, ttl, sent, wallClock.instant());
      }
      if (System.nanoTime() - deadline >= 0) {
        return null;
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
  }

  /** How long after the send a grant or renewal is believed valid: the TTL less the library's drift allowance. */
  private long validity(Duration ttl) {
    return ttl.minus(allowance.driftAllowance(ttl)).toNanos();
  }

  /** The key's expiry in Redis, in milliseconds: the TTL, unless the flaw is about expiry. */
  private String redisTtl(Duration ttl) {
    return Long.toString(switch (flaw) {
      case EXPIRES_EARLY -> ttl.toMillis() / 2;
      case EXPIRES_LATE -> ttl.toMillis() * 5;
      default -> ttl.toMillis();
    });
  }

  private static String key(String lock) {
    return "tiny:{" + lock + "}";
  }

  @Override
  public String describe() {
    return "TinyLock (negative control, flaw " + flaw + ")";
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  /** One grant of the tiny lock. */
  private final class TinyHeld implements Held {
    private final String key;
    private final String value;
    private final long token;
    private final Duration ttl;
    private volatile long deadlineNanos;
    private volatile Instant wallExpiry;

    TinyHeld(String key, String owner, long token, Duration ttl, long sentNanos, Instant wallNow) {
      this.key = key;
      this.value = owner + ":" + token;
      this.token = token;
      this.ttl = ttl;
      this.deadlineNanos = sentNanos + validity(ttl);
      this.wallExpiry = wallNow.plus(ttl);
    }

    @Override
    public long token() {
      return token;
    }

    @Override
    public long validNanos() {
      if (flaw == Flaw.WALL_CLOCK_VALIDITY) {
        return Duration.between(wallClock.instant(), wallExpiry).toNanos();
      }
      return deadlineNanos - System.nanoTime();
    }

    @Override
    public void renew() {
      long sent = System.nanoTime();
      Instant wallNow = wallClock.instant();
      Long renewed = flaw == Flaw.RENEW_WITHOUT_OWNER_CHECK
          ? (redis.pexpire(key, ttl.toMillis()) ? 1L : 0L)
          : redis.eval(RENEW, ScriptOutputType.INTEGER, new String[] {key}, value, redisTtl(ttl));
      if (renewed == null || renewed == 0) {
        throw new NotHeld("renew of " + key + " by " + value + ": not the holder");
      }
      deadlineNanos = sent + validity(ttl);
      wallExpiry = wallNow.plus(ttl);
    }

    @Override
    public void release() {
      if (flaw == Flaw.RELEASE_BY_DEL) {
        redis.del(key);
        return;
      }
      Long released = redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {key}, value);
      if (released == null || released == 0) {
        throw new NotHeld("release of " + key + " by " + value + ": not the holder");
      }
    }
  }
}
