package io.holdfast.shedlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockExtender;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What ShedLock documents for a {@code LockProvider} and {@code ExtensibleLockProvider} (the cases of its own
 * provider test suites), on {@link HoldfastLockProvider} over a real backend: one holder at a time across nodes, no
 * re-entry, lockAtMostFor as the lease, lockAtLeastFor kept on unlock, extension, and tasks run through
 * {@code DefaultLockingTaskExecutor} from many threads and two nodes without overlap. Subclassed once per backend.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class HoldfastLockProviderContract {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private HoldfastLockProvider provider;
  private HoldfastLockProvider otherNode;
  private String name;

  /** A builder with the backend under test set. */
  protected abstract HoldfastOptions.Builder options();

  /** Makes every lease currently held invalid in the backend (as a forced release or an expiry would). */
  protected abstract void loseEveryLease();

  @BeforeEach
  void connect() {
    provider = node();
    otherNode = node();
    name = getClass().getSimpleName() + "-" + NAMES.incrementAndGet();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  private HoldfastLockProvider node() {
    Holdfast holdfast = Holdfast.connect(options().build());
    HoldfastLockProvider node = new HoldfastLockProvider(holdfast);
    closeables.add(node);
    closeables.add(holdfast);
    return node;
  }

  private LockConfiguration config(Duration atMost, Duration atLeast) {
    return new LockConfiguration(ClockProvider.now(), name, atMost, atLeast);
  }

  private LockConfiguration config() {
    return config(Duration.ofSeconds(30), Duration.ZERO);
  }

  @Test
  void lock_held_secondLockEmptyOnThisNodeAndOthers() {
    Optional<SimpleLock> lock = provider.lock(config());
    assertThat(lock).isPresent();
    assertThat(provider.lock(config())).as("not re-entrant").isEmpty();
    assertThat(otherNode.lock(config())).isEmpty();
    lock.get().unlock();
    Optional<SimpleLock> next = otherNode.lock(config());
    assertThat(next).as("free right after unlock").isPresent();
    next.get().unlock();
  }

  @Test
  void lock_notUnlocked_freeAfterLockAtMostFor() {
    assertThat(provider.lock(config(Duration.ofMillis(500), Duration.ZERO))).isPresent();
    await().atMost(Duration.ofSeconds(30)).until(() -> otherNode.lock(config()).map(l -> {
      l.unlock();
      return true;
    }).orElse(false));
  }

  @Test
  void unlock_beforeLockAtLeastFor_keepsTheLockUntilThen() {
    LockConfiguration config = config(Duration.ofSeconds(30), Duration.ofSeconds(3));
    SimpleLock lock = provider.lock(config).orElseThrow();
    lock.unlock();
    long unlockedAt = System.nanoTime();
    Optional<SimpleLock> early = otherNode.lock(config());
    if (System.nanoTime() - unlockedAt < Duration.ofMillis(2_500).toNanos()) {
      assertThat(early).as("lockAtLeastFor still running").isEmpty();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> otherNode.lock(config()).map(l -> {
      l.unlock();
      return true;
    }).orElse(false));
    assertThat(ClockProvider.now()).isAfterOrEqualTo(config.getLockAtLeastUntil().minusMillis(50));
  }

  @Test
  void unlock_afterLockAtLeastFor_freesAtOnce() {
    LockConfiguration config = config(Duration.ofSeconds(30), Duration.ofMillis(100));
    SimpleLock lock = provider.lock(config).orElseThrow();
    await().until(() -> ClockProvider.now().isAfter(config.getLockAtLeastUntil()));
    lock.unlock();
    Optional<SimpleLock> next = otherNode.lock(config());
    assertThat(next).isPresent();
    next.get().unlock();
  }

  @Test
  void unlock_twice_refusedByShedLock() {
    SimpleLock lock = provider.lock(config()).orElseThrow();
    lock.unlock();
    assertThatThrownBy(lock::unlock).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void unlock_afterTheLeaseWasLost_doesNotThrow() {
    SimpleLock lock = provider.lock(config()).orElseThrow();
    loseEveryLease();
    lock.unlock();
    Optional<SimpleLock> next = otherNode.lock(config());
    assertThat(next).isPresent();
    next.get().unlock();
  }

  @Test
  void extend_held_keepsTheLockPastTheFirstLockAtMostFor() throws Exception {
    SimpleLock lock = provider.lock(config(Duration.ofSeconds(3), Duration.ZERO)).orElseThrow();
    Optional<SimpleLock> extended = lock.extend(Duration.ofSeconds(60), Duration.ZERO);
    assertThat(extended).isPresent();
    assertThatThrownBy(lock::unlock).as("the old lock is spent").isInstanceOf(IllegalStateException.class);
    Thread.sleep(3_500);
    assertThat(otherNode.lock(config())).as("still held past the first lockAtMostFor").isEmpty();
    extended.get().unlock();
    Optional<SimpleLock> next = otherNode.lock(config());
    assertThat(next).as("one unlock frees an extended lock").isPresent();
    next.get().unlock();
  }

  @Test
  void extend_afterLockAtMostFor_empty() {
    SimpleLock lock = provider.lock(config(Duration.ofMillis(200), Duration.ZERO)).orElseThrow();
    await().atMost(Duration.ofSeconds(30)).until(() -> otherNode.lock(config()).map(l -> {
      l.unlock();
      return true;
    }).orElse(false));
    assertThat(lock.extend(Duration.ofSeconds(30), Duration.ZERO)).isEmpty();
  }

  @Test
  void extendActiveLock_insideATask_extendsIt() throws Throwable {
    LockingTaskExecutor executor = new DefaultLockingTaskExecutor(provider);
    executor.executeWithLock((LockingTaskExecutor.Task) () -> {
      LockExtender.extendActiveLock(Duration.ofSeconds(60), Duration.ZERO);
      Thread.sleep(3_500);
      assertThat(otherNode.lock(config())).isEmpty();
    }, config(Duration.ofSeconds(3), Duration.ZERO));
    Optional<SimpleLock> next = otherNode.lock(config());
    assertThat(next).as("the executor unlocked the extended lock").isPresent();
    next.get().unlock();
  }

  @Test
  void unlock_withinLockAtLeastForAfterClose_staysHeldUntilLockAtMostFor() {
    long lockedAt = System.nanoTime();
    SimpleLock lock = provider.lock(config(Duration.ofSeconds(3), Duration.ofMillis(2_900))).orElseThrow();
    provider.close();
    lock.unlock();
    Optional<SimpleLock> early = otherNode.lock(config());
    if (System.nanoTime() - lockedAt < Duration.ofMillis(2_500).toNanos()) {
      assertThat(early).as("neither released at once nor failed").isEmpty();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> otherNode.lock(config()).map(l -> {
      l.unlock();
      return true;
    }).orElse(false));
  }

  @Test
  void executeWithLock_manyThreadsOnTwoNodes_neverOverlap() throws Exception {
    List<LockingTaskExecutor> executors =
        List.of(new DefaultLockingTaskExecutor(provider), new DefaultLockingTaskExecutor(otherNode));
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        LockingTaskExecutor executor = executors.get(t % 2);
        workers.add(pool.submit(() -> {
          for (int i = 0; i < 30; i++) {
            executor.executeWithLock((Runnable) () -> {
              if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
              }
              runs.incrementAndGet();
              inside.decrementAndGet();
            }, config());
          }
        }));
      }
      for (Future<?> worker : workers) {
        worker.get(90, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(overlaps).hasValue(0);
    assertThat(runs.get()).isBetween(1, 180);
  }
}
