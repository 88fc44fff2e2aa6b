package io.holdfast.spring.integration;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.concurrent.HoldfastLock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.ExpirableLockRegistry;
import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * Spring Integration's {@code LockRegistry} on Holdfast, a drop-in for {@code RedisLockRegistry} where applications
 * rely on it: {@link #obtain(Object)} gives the same lock object for the same key (until
 * {@link #expireUnusedOlderThan(long)} drops it unused), each lock is re-entrant per thread, only the locking thread
 * may unlock, {@code executeLocked} works as the interface describes, and an unlock that finds the lock lost throws
 * {@link java.util.ConcurrentModificationException} ("Lock was released in the store due to expiration"), as
 * {@code RedisLockRegistry} does.
 *
 * <pre>{@code
 * LockRegistry<DistributedLock> registry = new HoldfastLockRegistry(holdfast, "orders");
 * registry.executeLocked("order-42", () -> process(order));
 * }</pre>
 *
 * <p>Differences that help: a lock's lease is renewed by Holdfast while it is held, so a long critical section does
 * not lose it ({@code expireAfter} only bounds how long a dead process keeps the lock), every hold carries a
 * fencing token ({@link HoldfastRegistryLock#fencingToken()}), and exclusion never depends on this registry's map
 * (two lock objects for one key, in one process or many, still exclude each other through the backend).
 *
 * <p>Lock names are {@code registryKey + ":" + key}, as {@code RedisLockRegistry} builds its Redis keys. Keys must
 * be {@code String}s. Thread-safe.
 */
public final class HoldfastLockRegistry
    implements ExpirableLockRegistry<DistributedLock>, RenewableLockRegistry<DistributedLock> {
  /** The lease TTL unless another is given: {@code RedisLockRegistry}'s default {@code expireAfter}. */
  public static final Duration DEFAULT_EXPIRE_AFTER = Duration.ofSeconds(60);

  private final Holdfast holdfast;
  private final String registryKey;
  private final Duration expireAfter;
  private final Map<String, HoldfastRegistryLock> locks = new ConcurrentHashMap<>();

  /**
   * A registry with {@link #DEFAULT_EXPIRE_AFTER}.
   *
   * @param holdfast the client; it must outlive the registry's locks
   * @param registryKey the prefix of every lock name, so that registries do not share locks by accident
   */
  public HoldfastLockRegistry(Holdfast holdfast, String registryKey) {
    this(holdfast, registryKey, DEFAULT_EXPIRE_AFTER);
  }

  /**
   * A registry whose locks take leases of {@code expireAfter}.
   *
   * @param holdfast the client; it must outlive the registry's locks
   * @param registryKey the prefix of every lock name
   * @param expireAfter the lease TTL: how long a lock outlives a process that died holding it (renewed while held)
   * @throws io.holdfast.InvalidArgumentException when the TTL is outside Holdfast's range (10 ms to 7 days)
   */
  public HoldfastLockRegistry(Holdfast holdfast, String registryKey, Duration expireAfter) {
    this.holdfast = Objects.requireNonNull(holdfast, "holdfast");
    this.registryKey = Objects.requireNonNull(registryKey, "registryKey");
    this.expireAfter = Objects.requireNonNull(expireAfter, "expireAfter");
    AcquireRequest.of(registryKey + ":", expireAfter); // rejects a bad TTL or prefix now, not at the first lock
  }

  /**
   * The lock for {@code lockKey}: the same object on every call until it is expired unused.
   *
   * @param lockKey a {@code String}
   * @return the lock
   * @throws IllegalArgumentException when the key is not a {@code String}
   * @throws io.holdfast.InvalidArgumentException when the resulting lock name is invalid
   */
  @Override
  public HoldfastRegistryLock obtain(Object lockKey) {
    String key = key(lockKey);
    return locks.computeIfAbsent(key, k -> new HoldfastRegistryLock(k,
        HoldfastLock.builder(holdfast, registryKey + ":" + k).leaseTtl(expireAfter).build()));
  }

  /**
   * Drops the lock objects that no thread of this process holds and that were last locked more than
   * {@code age} ms ago; a later {@link #obtain(Object)} makes a new one. Exclusion is unaffected: it lives in the
   * backend.
   *
   * @param age in milliseconds
   */
  @Override
  public void expireUnusedOlderThan(long age) {
    long now = System.currentTimeMillis();
    locks.values().removeIf(lock -> !lock.unwrap().isHeldInThisProcess() && now - lock.lastLockedAtMillis() > age);
  }

  /**
   * Renews the calling thread's lease of {@code lockKey} to a full {@code expireAfter} now. Rarely needed: held
   * leases are renewed in the background.
   *
   * @param lockKey the key
   * @throws IllegalStateException when the calling thread does not hold that lock
   * @throws io.holdfast.LeaseLostException when the lease was already lost
   */
  @Override
  public void renewLock(Object lockKey) {
    held(lockKey).unwrap().currentLease().orElseThrow().renew();
  }

  /**
   * As {@link #renewLock(Object)}. A Holdfast lease keeps the TTL it was taken with (the registry's
   * {@code expireAfter}, or the one given to {@link DistributedLock#lock(Duration)}), so {@code ttl} is not applied:
   * the lease is renewed by its own TTL, and it is renewed in the background anyway while held.
   *
   * @param lockKey the key
   * @param ttl ignored, see above
   * @throws IllegalStateException when the calling thread does not hold that lock
   */
  @Override
  public void renewLock(Object lockKey, Duration ttl) {
    renewLock(lockKey);
  }

  @Override
  public String toString() {
    return "HoldfastLockRegistry[" + registryKey + ", " + holdfast.describeBackend() + "]";
  }

  private HoldfastRegistryLock held(Object lockKey) {
    String key = key(lockKey);
    HoldfastRegistryLock lock = locks.get(key);
    if (lock == null || lock.unwrap().getHoldCount() == 0) {
      throw new IllegalStateException("The current thread doesn't own lock at '" + key + "'");
    }
    return lock;
  }

  private static String key(Object lockKey) {
    if (!(lockKey instanceof String key)) {
      throw new IllegalArgumentException("lock keys of a HoldfastLockRegistry are Strings, was "
          + (lockKey == null ? "null" : lockKey.getClass().getName()));
    }
    return key;
  }
}
