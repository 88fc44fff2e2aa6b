package io.holdfast.spring.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.AcquireRequest;
import io.holdfast.FencingToken;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * The behaviour applications rely on in Spring Integration's {@code RedisLockRegistry} (the cases of its own test
 * suite), on {@link HoldfastLockRegistry} over a real backend: one lock object per key, re-entry per thread, unlock
 * by the locking thread only, exclusion across threads and registries (processes), expiry of a dead holder,
 * {@code executeLocked}, {@code expireUnusedOlderThan}, {@code renewLock}, and the exception for a lost lock.
 * Subclassed once per backend.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class HoldfastLockRegistryContract {
  private static final AtomicInteger KEYS = new AtomicInteger();

  private final List<Holdfast> clients = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private HoldfastLockRegistry registry;
  private String registryKey;

  /** A builder with the backend under test set. */
  protected abstract HoldfastOptions.Builder options();

  /** Makes every lease currently held invalid in the backend (as a forced release or an expiry would). */
  protected abstract void loseEveryLease();

  @BeforeEach
  void connect() {
    registryKey = getClass().getSimpleName() + KEYS.incrementAndGet();
    registry = new HoldfastLockRegistry(client(), registryKey);
  }

  @AfterEach
  void close() {
    pool.shutdownNow();
    clients.forEach(Holdfast::close);
  }

  private Holdfast client() {
    Holdfast client = Holdfast.connect(options().build());
    clients.add(client);
    return client;
  }

  private boolean onOtherThread(Callable<Boolean> task) throws Exception {
    return pool.submit(task).get(60, TimeUnit.SECONDS);
  }

  @Test
  void obtain_sameKey_sameLockObject_otherKeyAnother() {
    assertThat(registry.obtain("foo")).isSameAs(registry.obtain("foo")).isNotSameAs(registry.obtain("bar"));
  }

  @Test
  void obtain_notAString_refused() {
    assertThatThrownBy(() -> registry.obtain(42)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Integer");
  }

  @Test
  void lock_reentrantPerThread_excludesOtherThreadsUntilLastUnlock() throws Exception {
    Lock lock = registry.obtain("foo");
    lock.lock();
    lock.lockInterruptibly();
    assertThat(onOtherThread(() -> registry.obtain("foo").tryLock())).isFalse();
    lock.unlock();
    assertThat(onOtherThread(() -> registry.obtain("foo").tryLock())).as("one hold left").isFalse();
    lock.unlock();
    assertThat(onOtherThread(() -> {
      Lock same = registry.obtain("foo");
      boolean taken = same.tryLock();
      same.unlock();
      return taken;
    })).isTrue();
  }

  @Test
  void lock_twoKeys_independent() throws Exception {
    registry.obtain("foo").lock();
    assertThat(onOtherThread(() -> {
      Lock bar = registry.obtain("bar");
      boolean taken = bar.tryLock();
      bar.unlock();
      return taken;
    })).isTrue();
    registry.obtain("foo").unlock();
  }

  @Test
  void lock_secondThreadWaits_getsItAfterUnlock() throws Exception {
    Lock lock = registry.obtain("foo");
    lock.lock();
    CountDownLatch started = new CountDownLatch(1);
    Future<Boolean> waiter = pool.submit(() -> {
      started.countDown();
      Lock same = registry.obtain("foo");
      boolean taken = same.tryLock(60, TimeUnit.SECONDS);
      same.unlock();
      return taken;
    });
    started.await();
    lock.unlock();
    assertThat(waiter.get(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void lock_twoRegistries_excludeEachOther() throws Exception {
    HoldfastLockRegistry otherProcess = new HoldfastLockRegistry(client(), registryKey);
    Lock lock = registry.obtain("foo");
    lock.lock();
    assertThat(onOtherThread(() -> otherProcess.obtain("foo").tryLock(200, TimeUnit.MILLISECONDS))).isFalse();
    lock.unlock();
    assertThat(onOtherThread(() -> {
      boolean taken = otherProcess.obtain("foo").tryLock(30, TimeUnit.SECONDS);
      otherProcess.obtain("foo").unlock();
      return taken;
    })).isTrue();
  }

  @Test
  void lock_manyThreadsOfTwoRegistries_neverOverlap() throws Exception {
    List<LockRegistry<DistributedLock>> registries =
        List.of(registry, new HoldfastLockRegistry(client(), registryKey));
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      LockRegistry<DistributedLock> each = registries.get(t % 2);
      workers.add(pool.submit(() -> {
        for (int i = 0; i < 15; i++) {
          each.executeLocked("foo", () -> {
            if (inside.incrementAndGet() != 1) {
              overlaps.incrementAndGet();
            }
            runs.incrementAndGet();
            inside.decrementAndGet();
          });
        }
        return null;
      }));
    }
    for (Future<?> worker : workers) {
      worker.get(90, TimeUnit.SECONDS);
    }
    assertThat(overlaps).hasValue(0);
    assertThat(runs).hasValue(90);
  }

  @Test
  void unlock_byAnotherThread_illegalStateAndStillHeld() throws Exception {
    Lock lock = registry.obtain("foo");
    lock.lock();
    assertThat(pool.submit(() -> {
      registry.obtain("foo").unlock();
      return null;
    })).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class).withMessageContaining("You do not own lock at 'foo'");
    assertThat(onOtherThread(() -> registry.obtain("foo").tryLock())).isFalse();
    lock.unlock();
  }

  @Test
  void lock_holderDiedWithoutRelease_grantedAfterItsLeaseExpires() throws Exception {
    long grantedAt = System.nanoTime();
    client().acquire(AcquireRequest.of(registryKey + ":foo", Duration.ofSeconds(2)).withoutAutoRenew());
    DistributedLock lock = registry.obtain("foo");
    boolean early = lock.tryLock();
    if (System.nanoTime() - grantedAt < Duration.ofMillis(1_500).toNanos()) {
      assertThat(early).as("the holder's lease is still running").isFalse();
    } else if (early) {
      lock.unlock();
    }
    assertThat(lock.tryLock(Duration.ofSeconds(30), Duration.ofSeconds(10))).isTrue();
    lock.unlock();
  }

  @Test
  void unlock_afterTheLockWasLost_concurrentModificationAsRedisLockRegistry() {
    HoldfastRegistryLock lock =
        new HoldfastLockRegistry(client(), registryKey, Duration.ofSeconds(1)).obtain("foo");
    lock.lock();
    loseEveryLease();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> !lock.unwrap().isHeldByCurrentThread());
    assertThatThrownBy(lock::unlock).isInstanceOf(ConcurrentModificationException.class)
        .hasMessageContaining("Lock was released in the store due to expiration");
    assertThat(lock.tryLock()).as("the thread holds nothing after it").isTrue();
    lock.unlock();
  }

  @Test
  void executeLocked_callable_returnsItsValueAndReleases() throws Exception {
    FencingToken token = registry.executeLocked("foo", () -> registry.obtain("foo").fencingToken());
    assertThat(token).isNotNull();
    assertThat(registry.obtain("foo").unwrap().getHoldCount()).isZero();
  }

  @Test
  void executeLocked_heldElsewhereForTheWholeWait_timeoutException() throws Exception {
    HoldfastLockRegistry otherProcess = new HoldfastLockRegistry(client(), registryKey);
    assertThat(onOtherThread(() -> otherProcess.obtain("foo").tryLock())).isTrue();
    assertThatThrownBy(() -> registry.executeLocked("foo", Duration.ofMillis(200), () -> { }))
        .isInstanceOf(TimeoutException.class);
  }

  @Test
  void expireUnusedOlderThan_dropsOnlyLocksNoThreadHolds() throws Exception {
    HoldfastRegistryLock held = registry.obtain("held");
    held.lock();
    HoldfastRegistryLock unused = registry.obtain("unused");
    unused.lock();
    unused.unlock();
    Thread.sleep(20);
    registry.expireUnusedOlderThan(10);
    assertThat(registry.obtain("held")).isSameAs(held);
    assertThat(registry.obtain("unused")).isNotSameAs(unused);
    held.unlock();
  }

  @Test
  void renewLock_heldByThisThread_renews_otherwiseIllegalState() throws Exception {
    HoldfastRegistryLock lock = registry.obtain("foo");
    assertThatThrownBy(() -> registry.renewLock("foo")).isInstanceOf(IllegalStateException.class);
    lock.lock();
    registry.renewLock("foo");
    registry.renewLock("foo", Duration.ofSeconds(5));
    assertThat(lock.unwrap().isHeldByCurrentThread()).isTrue();
    assertThat(pool.submit(() -> {
      registry.renewLock("foo");
      return null;
    })).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class);
    lock.unlock();
  }

  @Test
  void newCondition_refused() {
    assertThatThrownBy(() -> registry.obtain("foo").newCondition())
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
