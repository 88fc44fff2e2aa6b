package io.holdfast.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.AcquireRequest;
import io.holdfast.FencingToken;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.LeaseLostException;
import io.holdfast.LeaseLostReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link java.util.concurrent.locks.Lock} and {@code ReentrantLock} promise, checked on {@link HoldfastLock}
 * over a real backend: exclusion between threads and between clients (processes), re-entry, unlock by the owning
 * thread only, the three ways to wait, and what the adapter adds: the fencing token and the report of a lost lease.
 * Subclassed once per backend.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class HoldfastLockContract {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final List<Holdfast> clients = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private Holdfast holdfast;
  private String name;

  /** A builder with the backend under test set. */
  protected abstract HoldfastOptions.Builder options();

  /** Makes every lease currently held invalid in the backend (as a forced release or an expiry would). */
  protected abstract void loseEveryLease();

  @BeforeEach
  void connect() {
    holdfast = client();
    name = "juc/" + getClass().getSimpleName() + "/" + NAMES.incrementAndGet();
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
  void lock_heldByOneThread_otherThreadsAndClientsCannotTakeIt() throws Exception {
    HoldfastLock lock = HoldfastLock.of(holdfast, name);
    lock.lock();
    assertThat(lock.isHeldByCurrentThread()).isTrue();
    assertThat(onOtherThread(lock::tryLock)).isFalse();
    assertThat(onOtherThread(lock::isHeldByCurrentThread)).isFalse();
    assertThat(onOtherThread(lock::isHeldInThisProcess)).isTrue();
    HoldfastLock elsewhere = HoldfastLock.of(client(), name);
    assertThat(onOtherThread(elsewhere::tryLock)).isFalse();
    lock.unlock();
    assertThat(lock.isHeldInThisProcess()).isFalse();
    assertThat(onOtherThread(() -> {
      boolean taken = elsewhere.tryLock();
      elsewhere.unlock();
      return taken;
    })).isTrue();
  }

  @Test
  void lock_manyThreadsOfTwoClients_neverOverlap() throws Exception {
    List<HoldfastLock> locks = List.of(HoldfastLock.of(holdfast, name), HoldfastLock.of(client(), name));
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    int[] unguarded = new int[1];
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      HoldfastLock lock = locks.get(t % 2);
      workers.add(pool.submit(() -> {
        for (int i = 0; i < 15; i++) {
          lock.lock();
          try {
            if (inside.incrementAndGet() != 1) {
              overlaps.incrementAndGet();
            }
            unguarded[0]++;
            inside.decrementAndGet();
          } finally {
            lock.unlock();
          }
        }
        return null;
      }));
    }
    for (Future<?> worker : workers) {
      worker.get(90, TimeUnit.SECONDS);
    }
    assertThat(overlaps).hasValue(0);
    assertThat(unguarded[0]).isEqualTo(90);
  }

  @Test
  void lock_reentered_countsHoldsAndKeepsOneGrant() throws Exception {
    HoldfastLock lock = HoldfastLock.of(holdfast, name);
    lock.lock();
    FencingToken first = lock.fencingToken();
    assertThat(lock.tryLock()).isTrue();
    lock.lockInterruptibly();
    assertThat(lock.getHoldCount()).isEqualTo(3);
    assertThat(lock.fencingToken()).isEqualTo(first);
    lock.unlock();
    lock.unlock();
    assertThat(onOtherThread(lock::tryLock)).as("one hold left").isFalse();
    lock.unlock();
    assertThat(lock.getHoldCount()).isZero();
    FencingToken next = pool.submit(() -> {
      lock.lock();
      FencingToken token = lock.fencingToken();
      lock.unlock();
      return token;
    }).get(60, TimeUnit.SECONDS);
    assertThat(next).isGreaterThan(first);
  }

  @Test
  void unlock_byAnotherThread_refusedAndLockStaysHeld() throws Exception {
    HoldfastLock lock = HoldfastLock.of(holdfast, name);
    lock.lock();
    assertThat(pool.submit(() -> {
      lock.unlock();
      return null;
    })).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IllegalMonitorStateException.class);
    assertThat(lock.isHeldByCurrentThread()).isTrue();
    assertThat(onOtherThread(lock::tryLock)).isFalse();
    lock.unlock();
  }

  @Test
  void unlock_notHeld_refused() {
    HoldfastLock lock = HoldfastLock.of(holdfast, name);
    assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class).hasMessageContaining(name);
    assertThatThrownBy(lock::fencingToken).isInstanceOf(IllegalMonitorStateException.class);
  }

  @Test
  void tryLockTimed_heldUntilTheWaitEnds_returnsFalse() throws Exception {
    HoldfastLock lock = HoldfastLock.of(holdfast, name);
    lock.lock();
    assertThat(onOtherThread(() -> lock.tryLock(300, TimeUnit.MILLISECONDS))).isFalse();
    assertThat(onOtherThread(() -> lock.tryLock(-5, TimeUnit.SECONDS))).as("negative: one try").isFalse();
    lock.unlock();
  }

  @Test
  void tryLockTimed_releasedDuringTheWait_returnsTrue() throws Exception {
    HoldfastLock lock = HoldfastLock.of(holdfast, name);
    lock.lock();
    CountDownLatch waiting = new CountDownLatch(1);
    Future<Boolean> waiter = pool.submit(() -> {
      waiting.countDown();
      boolean taken = lock.tryLock(60, TimeUnit.SECONDS);
      lock.unlock();
      return taken;
    });
    waiting.await();
    lock.unlock();
    assertThat(waiter.get(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void lockInterruptibly_interruptedWhileWaiting_throwsAndHoldsNothing() throws Exception {
    HoldfastLock lock = HoldfastLock.of(holdfast, name);
    lock.lock();
    AtomicReference<Thread> waiterThread = new AtomicReference<>();
    Future<Object> waiter = pool.submit(() -> {
      waiterThread.set(Thread.currentThread());
      try {
        lock.lockInterruptibly();
        return "locked";
      } catch (InterruptedException e) {
        return List.of(e, Thread.currentThread().isInterrupted(), lock.getHoldCount());
      }
    });
    await().until(() -> waiterThread.get() != null && waiterThread.get().getState() != Thread.State.RUNNABLE);
    waiterThread.get().interrupt();
    assertThat(waiter.get(30, TimeUnit.SECONDS)).asList().element(0).isInstanceOf(InterruptedException.class);
    assertThat(waiter.get()).asList().containsSubsequence(false, 0);
    lock.unlock();
    assertThat(onOtherThread(() -> {
      boolean taken = lock.tryLock();
      lock.unlock();
      return taken;
    })).as("the interrupted wait left no grant behind").isTrue();
  }

  @Test
  void lock_interruptedWhileWaiting_keepsWaitingAndSetsTheFlagAgain() throws Exception {
    HoldfastLock lock = HoldfastLock.of(holdfast, name);
    lock.lock();
    AtomicReference<Thread> waiterThread = new AtomicReference<>();
    Future<Boolean> waiter = pool.submit(() -> {
      waiterThread.set(Thread.currentThread());
      lock.lock();
      boolean flag = Thread.interrupted();
      lock.unlock();
      return flag;
    });
    await().until(() -> waiterThread.get() != null && waiterThread.get().getState() != Thread.State.RUNNABLE);
    waiterThread.get().interrupt();
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !waiter.isDone());
    lock.unlock();
    assertThat(waiter.get(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void newCondition_refusedWithAReason() {
    assertThatThrownBy(() -> HoldfastLock.of(holdfast, name).newCondition())
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("other processes");
  }

  @Test
  void leaseLost_reportedByListenerCheckAndUnlock() throws Exception {
    CompletableFuture<LeaseLostReason> told = new CompletableFuture<>();
    HoldfastLock lock = HoldfastLock.builder(holdfast, name).leaseTtl(Duration.ofSeconds(1))
        .onLeaseLost((lease, reason) -> told.complete(reason)).build();
    lock.lock();
    lock.lock();
    loseEveryLease();
    assertThat(told).succeedsWithin(Duration.ofSeconds(30));
    assertThat(lock.isHeldByCurrentThread()).isFalse();
    assertThat(lock.getHoldCount()).isEqualTo(2);
    assertThatThrownBy(lock::fencingToken).isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(lock::tryLock).as("no re-entry into a lost hold").isInstanceOf(LeaseLostException.class);
    lock.unlock();
    assertThatThrownBy(lock::unlock).isInstanceOf(LeaseLostException.class);
    assertThat(lock.getHoldCount()).isZero();
    assertThat(lock.tryLock(Duration.ofSeconds(10))).as("can be taken again").isTrue();
    lock.unlock();
  }

  @Test
  void lock_holderStoppedRenewing_grantedAfterItsLeaseExpires() throws Exception {
    Holdfast crashed = client();
    long grantedAt = System.nanoTime();
    crashed.acquire(AcquireRequest.of(name, Duration.ofSeconds(2)).withoutAutoRenew());
    HoldfastLock lock = HoldfastLock.of(holdfast, name);
    boolean early = lock.tryLock();
    if (System.nanoTime() - grantedAt < Duration.ofMillis(1_500).toNanos()) {
      assertThat(early).as("the holder's lease is still running").isFalse();
    } else if (early) {
      lock.unlock();
    }
    assertThat(lock.tryLock(30, TimeUnit.SECONDS)).isTrue();
    lock.unlock();
  }

  @Test
  void sharedOwnership_lockedOnOneThread_unlockedOnAnother() throws Exception {
    HoldfastLock lock = HoldfastLock.builder(holdfast, name).ownership(Ownership.SHARED).build();
    assertThat(onOtherThread(() -> {
      lock.lock();
      return lock.isHeldByCurrentThread();
    })).isTrue();
    HoldfastLock elsewhere = HoldfastLock.of(client(), name);
    assertThat(elsewhere.tryLock()).isFalse();
    lock.unlock();
    assertThat(lock.isHeldInThisProcess()).isFalse();
    assertThat(elsewhere.tryLock(Duration.ofSeconds(30))).isTrue();
    elsewhere.unlock();
  }

  @Test
  void sharedOwnership_threadsOfOneObjectShareTheGrant_otherObjectsExcluded() throws Exception {
    HoldfastLock lock = HoldfastLock.builder(holdfast, name).ownership(Ownership.SHARED).build();
    HoldfastLock other = HoldfastLock.builder(holdfast, name).ownership(Ownership.SHARED).build();
    lock.lock();
    FencingToken token = lock.fencingToken();
    assertThat(onOtherThread(lock::tryLock)).as("another thread of the same owner re-enters").isTrue();
    assertThat(lock.getHoldCount()).isEqualTo(2);
    assertThat(lock.fencingToken()).isEqualTo(token);
    assertThat(onOtherThread(other::tryLock)).as("another lock object is another owner").isFalse();
    lock.unlock();
    assertThat(other.tryLock()).as("one hold left").isFalse();
    lock.unlock();
    assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
    assertThat(other.tryLock(Duration.ofSeconds(30))).isTrue();
    other.unlock();
  }

  @Test
  void builder_ttlOutOfRange_rejected() {
    assertThatThrownBy(() -> HoldfastLock.builder(holdfast, name).leaseTtl(Duration.ofMillis(1)).build())
        .isInstanceOf(io.holdfast.InvalidArgumentException.class).hasMessageContaining("lease TTL");
  }
}
