package io.holdfast.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RFencedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson 3.52 as its documentation sets it up: {@code Config.useSingleServer().setAddress(...)} and
 * {@code Redisson.create}, everything else default, except the lock watchdog timeout, which is set to the
 * workload's lease TTL so that every contender renews on the same period (Redisson's default is 30 s, the
 * bench's TTL for cycle workloads too). {@link RLock#tryLock(long, TimeUnit)} without a lease time uses the
 * watchdog, as Holdfast's auto-renew does. The fenced variant uses {@link RFencedLock}, whose tokens the
 * harness checks like Holdfast's.
 *
 * <p>Fleets of many instances use a lean configuration (see {@link LockerSpec#lean()}): Redisson's defaults
 * open 24 idle connections and 32 Netty threads per instance, which a hundred instances in one JVM cannot
 * afford and which no single real node would notice.
 */
final class RedissonContender implements Contender {
  private final boolean fenced;

  RedissonContender(boolean fenced) {
    this.fenced = fenced;
  }

  @Override
  public String name() {
    return fenced ? "redisson-fenced" : "redisson";
  }

  @Override
  public String tag() {
    return fenced ? "rf" : "rl";
  }

  @Override
  public boolean fencing() {
    return fenced;
  }

  @Override
  public String redisKey(String lockName) {
    return lockName;
  }

  @Override
  public Locker connect(LockerSpec spec) {
    Config config = new Config();
    config.useSingleServer().setAddress(spec.redisUri()).setClientName(spec.instanceName());
    config.setLockWatchdogTimeout(spec.leaseTtl().toMillis());
    if (spec.lean()) {
      config.setNettyThreads(2).setThreads(2);
      config.useSingleServer().setConnectionMinimumIdleSize(1).setConnectionPoolSize(4)
          .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(2);
    }
    return new RedissonLocker(Redisson.create(config), fenced, spec.leaseTtl());
  }

  private static final class RedissonLocker implements Locker {
    private final RedissonClient redisson;
    private final boolean fenced;
    private final long ttlMillis;

    RedissonLocker(RedissonClient redisson, boolean fenced, Duration ttl) {
      this.redisson = redisson;
      this.fenced = fenced;
      this.ttlMillis = ttl.toMillis();
    }

    @Override
    public Held acquire(String name, Duration wait) throws InterruptedException {
      long threadId = Thread.currentThread().getId();
      if (fenced) {
        RFencedLock lock = redisson.getFencedLock(name);
        Long token = lock.tryLockAndGetToken(wait.toMillis(), TimeUnit.MILLISECONDS);
        return token == null ? null : new LockHeld(lock, token, threadId);
      }
      RLock lock = redisson.getLock(name);
      return lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)
          ? new LockHeld(lock, Contender.NO_TOKEN, threadId) : null;
    }

    /** The lease time -1 selects the watchdog; a positive one a fixed lease without renewal. */
    @Override
    public CompletableFuture<Held> acquireAsync(String name, boolean renew) {
      long threadId = Thread.currentThread().getId();
      long leaseTime = renew ? -1 : ttlMillis;
      if (fenced) {
        RFencedLock lock = redisson.getFencedLock(name);
        return lock.tryLockAndGetTokenAsync(0, leaseTime, TimeUnit.MILLISECONDS).toCompletableFuture()
            .thenApply(token -> {
              if (token == null) {
                throw new BusyException(name);
              }
              return new LockHeld(lock, token, threadId);
            });
      }
      RLock lock = redisson.getLock(name);
      return lock.tryLockAsync(0, leaseTime, TimeUnit.MILLISECONDS, threadId).toCompletableFuture()
          .thenApply(granted -> {
            if (!granted) {
              throw new BusyException(name);
            }
            return new LockHeld(lock, Contender.NO_TOKEN, threadId);
          });
    }

    @Override
    public void close() {
      // The default shutdown waits a 2 s quiet period; nothing is pending here, and fleets close 100 of these.
      redisson.shutdown(0, 5, TimeUnit.SECONDS);
    }
  }

  private record LockHeld(RLock lock, long token, long threadId) implements Held {
    @Override
    public void release() {
      lock.unlock();
    }

    @Override
    public CompletableFuture<Void> releaseAsync() {
      return lock.unlockAsync(threadId).toCompletableFuture();
    }
  }
}
