package io.holdfast.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.Holdfast;
import io.holdfast.InvalidArgumentException;
import io.holdfast.Lease;
import io.holdfast.LeaseLostException;
import io.holdfast.LeaseLostReason;
import io.holdfast.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of the semaphore with leased permits ({@link Semaphore}'s javadoc) that every backend offering it
 * must keep, as one abstract suite in the style of {@link LockContractTest}: subclass it once per backend and
 * topology.
 */
// Tagged so that failsafe runs the Redis and service subclasses side by side, apart from fault tests (pom.xml).
@Tag("contract")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class SemaphoreContractTest extends PrimitiveContractClients {
  private static final Duration TTL = Duration.ofSeconds(10);

  @Test
  void acquire_upToPermits_grantedThenBusyUntilARelease() {
    String name = freshName();
    Semaphore semaphore = client().semaphore(name, 2);
    Lease first = semaphore.acquire(TTL);
    Lease second = client().semaphore(name, 2).acquire(TTL);
    Semaphore third = client().semaphore(name, 2);
    assertThat(third.tryAcquire(TTL, Duration.ZERO)).isEmpty();
    assertThat(third.tryAcquire(TTL, Duration.ofMillis(200))).isEmpty();
    assertThat(semaphore.heldAsync().join()).isEqualTo(2);
    first.release();
    try (Lease granted = third.tryAcquire(TTL, Duration.ZERO).orElseThrow()) {
      assertThat(granted.fencingToken()).isGreaterThan(second.fencingToken()).isGreaterThan(first.fencingToken());
    }
    second.release();
  }

  @Test
  void reentry_sameOwner_sameTokenAndNoSecondPermit() {
    String name = freshName();
    Semaphore semaphore = client().semaphore(name, 2);
    Lease permit = semaphore.acquire(TTL);
    Lease again = semaphore.acquire(semaphore.request(TTL).withOwner(permit.owner()));
    assertThat(again.fencingToken()).isEqualTo(permit.fencingToken());
    assertThat(again.holdCount()).isEqualTo(2);
    assertThat(semaphore.heldAsync().join()).isEqualTo(1);
    try (Lease other = semaphore.tryAcquire(TTL, Duration.ZERO).orElseThrow()) {
      assertThat(other.owner()).isNotEqualTo(permit.owner());
    }
    again.release();
    permit.release();
    assertThat(semaphore.heldAsync().join()).isZero();
  }

  @Test
  void crashedHolder_stopsRenewing_permitComesBackAtItsTtl() throws Exception {
    String name = freshName();
    AtomicReference<LeaseLostReason> lost = new AtomicReference<>();
    Semaphore semaphore = client().semaphore(name, 1);
    Lease crashed = semaphore.acquire(semaphore.request(Duration.ofSeconds(1)).withoutAutoRenew()
        .onLeaseLost((lease, reason) -> lost.set(reason)));
    long start = System.nanoTime();
    Lease next = client().semaphore(name, 1).acquire(TTL);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));
    assertThat(next.fencingToken()).isGreaterThan(crashed.fencingToken());
    await().atMost(Duration.ofSeconds(5)).until(() -> lost.get() == LeaseLostReason.EXPIRED);
    assertThatThrownBy(crashed::release).isInstanceOf(LeaseLostException.class);
    next.release();
  }

  @Test
  void autoRenewal_holdPastSeveralTtls_keepsPermit() throws InterruptedException {
    String name = freshName();
    try (Lease permit = client().semaphore(name, 1).acquire(Duration.ofMillis(600))) {
      Thread.sleep(2000);
      assertThat(permit.isValid()).isTrue();
      assertThat(client().semaphore(name, 1).tryAcquire(TTL, Duration.ZERO)).isEmpty();
    }
  }

  @Test
  void autoRenewal_manyPermitsOfOneClient_renewedTogetherInBatches() throws InterruptedException {
    String name = freshName();
    Holdfast client = client();
    Semaphore semaphore = client.semaphore(name, 20);
    List<Lease> permits = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      permits.add(semaphore.acquire(Duration.ofMillis(900)));
    }
    Thread.sleep(2000);
    assertThat(permits).allMatch(Lease::isValid);
    double calls = client.meterRegistry().get("holdfast.renewal.calls").counter().count();
    double renewed = client.meterRegistry().get("holdfast.renewals").counter().count();
    assertThat(calls).isPositive();
    // One call per tick renews every permit due before the next tick: far fewer calls than renewals.
    assertThat(renewed / calls).isGreaterThanOrEqualTo(10);
    permits.forEach(Lease::release);
  }

  @Test
  void renew_explicitlyWithoutAutoRenewal_keepsPermitPastItsTtl() throws InterruptedException {
    String name = freshName();
    Semaphore semaphore = client().semaphore(name, 1);
    Lease permit = semaphore.acquire(semaphore.request(Duration.ofMillis(1500)).withoutAutoRenew());
    for (int i = 0; i < 4; i++) {
      Thread.sleep(500);
      permit.renew();
    }
    assertThat(permit.isValid()).isTrue();
    assertThat(client().semaphore(name, 1).tryAcquire(TTL, Duration.ZERO)).isEmpty();
    permit.release();
    assertThatThrownBy(permit::renew).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void permitsChangedAtRunTime_eachGrantObeysItsCallersNumber() {
    String name = freshName();
    List<Lease> held = new ArrayList<>();
    Semaphore three = client().semaphore(name, 3);
    for (int i = 0; i < 3; i++) {
      held.add(three.tryAcquire(TTL, Duration.ZERO).orElseThrow());
    }
    Semaphore two = client().semaphore(name, 2);
    Semaphore four = client().semaphore(name, 4);
    assertThat(three.tryAcquire(TTL, Duration.ZERO)).isEmpty();
    assertThat(two.tryAcquire(TTL, Duration.ZERO)).isEmpty(); // lowering takes no permit back
    Lease fourth = four.tryAcquire(TTL, Duration.ZERO).orElseThrow(); // raising lets the next one in
    assertThat(four.heldAsync().join()).isEqualTo(4);
    fourth.release();
    held.remove(0).release();
    assertThat(two.tryAcquire(TTL, Duration.ZERO)).isEmpty(); // 2 held: not fewer than 2
    held.remove(0).release();
    try (Lease granted = two.tryAcquire(TTL, Duration.ZERO).orElseThrow()) {
      assertThat(two.heldAsync().join()).isEqualTo(2);
    }
    held.forEach(Lease::release);
  }

  @Test
  void wakeUp_permitReleased_oneWaiterGetsInWithoutRecheck() throws Exception {
    String name = freshName();
    Holdfast waiters = client(options().recheckInterval(Duration.ofSeconds(30)));
    Lease holder = client().semaphore(name, 1).acquire(Duration.ofSeconds(30));
    Semaphore semaphore = waiters.semaphore(name, 1);
    CompletableFuture<Lease> first = semaphore.acquireAsync(semaphore.request(TTL));
    CompletableFuture<Lease> second = semaphore.acquireAsync(semaphore.request(TTL));
    Thread.sleep(300);
    holder.release();
    CompletableFuture<Object> one = CompletableFuture.anyOf(first, second);
    Lease granted = (Lease) one.get(10, TimeUnit.SECONDS); // far below the 30 s re-check
    assertThat(first.isDone() && second.isDone()).isFalse(); // one permit: the other still waits
    granted.release();
    CompletableFuture.allOf(first, second).get(10, TimeUnit.SECONDS);
    (first.join() == granted ? second : first).join().release();
  }

  @Test
  void release_everyPermit_leavesNothingBehind() {
    String name = freshName();
    Semaphore semaphore = client().semaphore(name, 3);
    List<Lease> permits = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      permits.add(semaphore.acquire(TTL));
    }
    if (keysLeft(name) >= 0) {
      assertThat(keysLeft(name)).isPositive();
    }
    permits.forEach(Lease::release);
    assertThat(semaphore.heldAsync().join()).isZero();
    if (keysLeft(name) >= 0) {
      await().atMost(Duration.ofSeconds(5)).until(() -> keysLeft(name) == 0);
    }
  }

  @Test
  void semaphore_zeroPermits_refused() {
    assertThatThrownBy(() -> client().semaphore(freshName(), 0)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("at least 1 permit");
  }

  @Test
  void async_tryAcquire_completesWithPermitOrEmpty() throws Exception {
    String name = freshName();
    Semaphore semaphore = client().semaphore(name, 1);
    Optional<Lease> permit = semaphore.tryAcquireAsync(semaphore.request(TTL).withWait(Duration.ZERO))
        .get(10, TimeUnit.SECONDS);
    assertThat(permit).isPresent();
    assertThat(semaphore.tryAcquireAsync(semaphore.request(TTL).withWait(Duration.ZERO)).get(10, TimeUnit.SECONDS))
        .isEmpty();
    permit.get().releaseAsync().get(10, TimeUnit.SECONDS);
  }

  @Test
  void concurrency_manyClients_neverMoreThanPermitsHoldAtOnce() throws Exception {
    String name = freshName();
    int permits = 3;
    int workers = 8;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger grants = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        Semaphore semaphore = client().semaphore(name, permits);
        done.add(pool.submit(() -> {
          for (int i = 0; i < 15; i++) {
            try (Lease lease = semaphore.acquire(TTL)) {
              most.accumulateAndGet(inside.incrementAndGet(), Math::max);
              Thread.sleep(2);
              inside.decrementAndGet();
              grants.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(most.get()).isBetween(1, permits);
    assertThat(grants.get()).isEqualTo(workers * 15);
  }
}
