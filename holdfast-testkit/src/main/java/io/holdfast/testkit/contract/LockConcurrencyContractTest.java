package io.holdfast.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.AcquireRequest;
import io.holdfast.ErrorCode;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The concurrency half of the lock contract: mutual exclusion under many threads and clients, prompt wake-up,
 * cancellation, interruption and wall-clock independence. Subclass this (it includes {@link LockContractTest}).
 */
public abstract class LockConcurrencyContractTest extends LockContractTest {
  private static final int THREADS = 16;
  private static final int CLIENTS = 4;
  private static final int ROUNDS_PER_THREAD = 25;

  @Test
  void mutualExclusion_16ThreadsOver4Clients_counterExactAndTokensStrictlyIncrease() throws Exception {
    String name = freshName();
    List<Holdfast> fleet = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      fleet.add(client());
    }
    FencedCounter counter = new FencedCounter();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Holdfast client = fleet.get(t % CLIENTS);
        workers.add(pool.submit(() -> {
          for (int round = 0; round < ROUNDS_PER_THREAD; round++) {
            try (Lease lease = client.acquire(name, Duration.ofSeconds(10))) {
              counter.incrementUnsafely(lease.fencingToken().value());
            }
          }
          return null;
        }));
      }
      for (Future<?> worker : workers) {
        worker.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(counter.value()).isEqualTo(THREADS * ROUNDS_PER_THREAD);
    assertThat(counter.tokensNotAboveTheLast()).as("grants whose token was not above every earlier one").isZero();
  }

  @Test
  void release_withWaiterBlocked_wakesItWellUnderRecheckInterval() throws Exception {
    String name = freshName();
    Holdfast holder = client();
    Duration recheck = Duration.ofSeconds(20);
    Holdfast waiter = client(options().recheckInterval(recheck));
    Lease held = holder.acquire(name, Duration.ofSeconds(30));
    CompletableFuture<Lease> waiting = waiter.acquireAsync(AcquireRequest.of(name, Duration.ofSeconds(5)));
    Thread.sleep(300);
    assertThat(waiting).isNotDone();
    long released = System.nanoTime();
    held.release();
    Lease granted = waiting.get(recheck.toSeconds(), TimeUnit.SECONDS);
    long handoffMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
    // Woken by the release, not by its re-check timer (the protocol's bound, whatever the machine's speed).
    assertThat(handoffMillis).as("hand-off took %d ms", handoffMillis).isLessThan(recheck.toMillis());
    assertThat(granted.fencingToken()).isGreaterThan(held.fencingToken());
    granted.release();
  }

  @Test
  void wallClock_setMinutesOff_leasesBehaveTheSame() throws Exception {
    String name = freshName();
    Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(17));
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-23));
    Holdfast early = client(options().wallClock(ahead));
    Holdfast late = client(options().wallClock(behind));
    Lease first = late.acquire(AcquireRequest.of(name, Duration.ofMillis(600)).withoutAutoRenew());
    // Minutes of offset would show as minutes here; the round trip under load may take most of the TTL.
    assertThat(first.remainingValidity()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(600));
    assertThat(first.acquiredAt()).isBefore(Instant.now().minus(Duration.ofMinutes(20)));
    assertThat(early.tryAcquire(AcquireRequest.of(name, Duration.ofSeconds(5)).withWait(Duration.ZERO))).isEmpty();
    Lease second = early.acquire(AcquireRequest.of(name, Duration.ofSeconds(5)).withWait(Duration.ofSeconds(5)));
    assertThat(first.isValid()).isFalse();
    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    try (Lease renewed = second) {
      Thread.sleep(200);
      assertThat(renewed.isValid()).isTrue();
    }
  }

  @Test
  void acquireAsync_cancelledWhileWaiting_leavesNothingHeld() throws Exception {
    String name = freshName();
    Holdfast holder = client();
    Holdfast waiter = client();
    Lease held = holder.acquire(name, Duration.ofSeconds(30));
    CompletableFuture<Lease> waiting = waiter.acquireAsync(AcquireRequest.of(name, Duration.ofSeconds(30)));
    Thread.sleep(100);
    waiting.cancel(true);
    held.release();
    Thread.sleep(300);
    assertThat(holder.inspect(name)).isEmpty();
  }

  @Test
  void acquire_interruptedWhileWaiting_restoresFlagAndHoldsNothing() throws Exception {
    String name = freshName();
    Holdfast holder = client();
    Holdfast waiter = client();
    Lease held = holder.acquire(name, Duration.ofSeconds(30));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flagAfter = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    Thread blocked = new Thread(() -> {
      started.countDown();
      try {
        waiter.acquire(name, Duration.ofSeconds(30));
      } catch (RuntimeException e) {
        thrown.set(e);
        flagAfter.set(Thread.currentThread().isInterrupted());
      }
    });
    blocked.start();
    started.await();
    Thread.sleep(200);
    blocked.interrupt();
    blocked.join(5_000);
    assertThat(thrown.get()).isInstanceOf(HoldfastException.class);
    assertThat(((HoldfastException) thrown.get()).code()).isEqualTo(ErrorCode.INTERRUPTED);
    assertThat(flagAfter.get()).isTrue();
    held.release();
    Thread.sleep(300);
    assertThat(holder.inspect(name)).isEmpty();
  }

  @Test
  void acquire_invalidArguments_failBeforeAnythingIsSent() {
    Holdfast client = client();
    assertThatThrownBy(() -> client.acquire("", Duration.ofSeconds(1))).hasMessageContaining("empty");
    assertThatThrownBy(() -> client.acquire("x".repeat(600), Duration.ofSeconds(1))).hasMessageContaining("600");
    assertThatThrownBy(() -> client.acquire(freshName(), Duration.ofMillis(-5))).hasMessageContaining("-0.005");
    assertThatThrownBy(() -> client.tryAcquire(AcquireRequest.of(freshName(), Duration.ofSeconds(1))
        .withWait(Duration.ofSeconds(-1))))
        .hasMessageContaining("wait timeout must not be negative");
  }

  /**
   * A counter updated with a deliberate read-pause-write race, so that any overlap of two holders loses an
   * update; it also counts tokens that were not strictly above every earlier one (an equal token counts: each
   * grant here is a fresh owner's, so a repeated token is a reused one), as a fenced resource would check.
   */
  private static final class FencedCounter {
    private volatile int value;
    private volatile long highestToken;
    private volatile int notAbove;

    void incrementUnsafely(long token) {
      int read = value;
      Thread.onSpinWait();
      Thread.yield();
      if (token <= highestToken) {
        notAbove++;
      }
      highestToken = Math.max(highestToken, token);
      value = read + 1;
    }

    int value() {
      return value;
    }

    int tokensNotAboveTheLast() {
      return notAbove;
    }
  }
}
