package io.holdfast.bench;

import io.holdfast.bench.PrimitiveLocker.Kind;
import io.holdfast.bench.PrimitiveLocker.Target;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.Redisson;
import org.redisson.api.RFencedLock;
import org.redisson.api.RLock;
import org.redisson.api.RPermitExpirableSemaphore;
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
 *
 * <p>The primitives of issue 12 ({@code redisson} only; {@code redisson-fenced} has none of its own):
 * {@link org.redisson.api.RReadWriteLock} (which has no writer preference, so takes every target's the same way)
 * and {@link RPermitExpirableSemaphore}, each acquisition with a lease time
 * equal to the workload's TTL, the form Redisson documents for leases that must end by themselves (the
 * semaphore has no watchdog at all). The semaphore's permits are set once per name and client with
 * {@code trySetPermits}, which only sets them when the name has none, as its documentation shows.
 */
final class RedissonContender implements PrimitiveContender {
  /** The workloads of the primitives, which the fenced variant (a lock only) leaves out. */
  private static final Set<String> PRIMITIVE_WORKLOADS = Set.of("rwlock", "semaphore");
  /**
   * Owner ids for the asynchronous lock calls: Redisson names a holder by client id and thread id, and its async
   * API takes the id so that one thread can hold for many owners, as each of Holdfast's acquisitions has an owner
   * of its own. Far above real thread ids.
   */
  private static final AtomicLong OWNERS = new AtomicLong(1L << 40);

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
  public boolean runs(String workload) {
    return !fenced || !PRIMITIVE_WORKLOADS.contains(workload);
  }

  @Override
  public String redisKey(String lockName) {
    return lockName;
  }

  @Override
  public PrimitiveLocker connect(LockerSpec spec) {
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

  private static final class RedissonLocker implements PrimitiveLocker {
    private final RedissonClient redisson;
    private final boolean fenced;
    private final long ttlMillis;
    /** The names whose permits this client has set, and the call that did. */
    private final Map<String, CompletableFuture<Boolean>> permitsSet = new ConcurrentHashMap<>();

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
    public Held acquire(Target target, Duration wait) throws InterruptedException {
      if (target.kind() == Kind.PERMIT) {
        RPermitExpirableSemaphore semaphore = semaphore(target);
        permitsSet(semaphore, target).join();
        String id = semaphore.tryAcquire(wait.toMillis(), ttlMillis, TimeUnit.MILLISECONDS);
        return id == null ? null : new PermitHeld(semaphore, id);
      }
      RLock lock = side(target);
      return lock.tryLock(wait.toMillis(), ttlMillis, TimeUnit.MILLISECONDS)
          ? new LockHeld(lock, Contender.NO_TOKEN, Thread.currentThread().getId()) : null;
    }

    @Override
    public CompletableFuture<Held> acquireAsync(Target target) {
      if (target.kind() == Kind.PERMIT) {
        RPermitExpirableSemaphore semaphore = semaphore(target);
        return permitsSet(semaphore, target)
            .thenCompose(set -> semaphore.tryAcquireAsync(0, ttlMillis, TimeUnit.MILLISECONDS))
            .thenApply(id -> {
              if (id == null) {
                throw new BusyException(target.name());
              }
              return new PermitHeld(semaphore, id);
            });
      }
      RLock lock = side(target);
      long owner = OWNERS.incrementAndGet();
      return lock.tryLockAsync(0, ttlMillis, TimeUnit.MILLISECONDS, owner).toCompletableFuture()
          .thenApply(granted -> {
            if (!granted) {
              throw new BusyException(target.name());
            }
            return new LockHeld(lock, Contender.NO_TOKEN, owner);
          });
    }

    private RLock side(Target target) {
      var lock = redisson.getReadWriteLock(target.name());
      return target.kind() == Kind.READ ? lock.readLock() : lock.writeLock();
    }

    private RPermitExpirableSemaphore semaphore(Target target) {
      return redisson.getPermitExpirableSemaphore(target.name());
    }

    private CompletableFuture<Boolean> permitsSet(RPermitExpirableSemaphore semaphore, Target target) {
      return permitsSet.computeIfAbsent(target.name(),
          name -> semaphore.trySetPermitsAsync(target.permits()).toCompletableFuture());
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

  private record PermitHeld(RPermitExpirableSemaphore semaphore, String id) implements Held {
    @Override
    public long token() {
      return Contender.NO_TOKEN;
    }

    @Override
    public void release() {
      semaphore.release(id);
    }

    @Override
    public CompletableFuture<Void> releaseAsync() {
      return semaphore.releaseAsync(id).toCompletableFuture();
    }
  }
}
