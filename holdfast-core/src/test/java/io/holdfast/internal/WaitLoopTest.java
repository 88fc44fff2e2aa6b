package io.holdfast.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one wait loop, driven by a scripted backend whose answers the test completes by hand: which attempt is
 * made when, what a release does to a sleeping or in-flight waiter, and what a late grant becomes.
 */
class WaitLoopTest {
  private static final String GRANT = "grant";
  private static final Duration LONG = Duration.ofMinutes(10);

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final Script script = new Script();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void release_whileAttemptInFlight_retriesAtOnceInsteadOfSleeping() {
    WaitLoop<String> loop = loop(LONG, LONG);
    loop.start();
    assertThat(script.sleeper.get()).as("joined early: the topic is live").isNotNull();
    script.sleeper.get().wake(); // the release arrives while the first attempt is on its way
    script.answer(0, "busy");
    await().until(() -> script.calls.size() == 2); // no sleep of 10 minutes: the wake-up was kept
    script.answer(1, GRANT);
    assertThat(loop.result().join().granted()).isTrue();
    assertThat(script.closed.get()).isEqualTo(1);
  }

  @Test
  void armed_grantAtFirstAttempt_isNeverCalled() {
    script.checks = true;
    WaitLoop<String> loop = loop(LONG, LONG);
    loop.start();
    script.answer(0, GRANT);
    assertThat(loop.result().join().granted()).isTrue();
    assertThat(script.armings).as("no check on a wait-free acquire").isEmpty();
  }

  @Test
  void armed_afterBusy_sleepsOnlyOnceCheckedAndItsFailureEndsTheLoop() {
    script.checks = true;
    WaitLoop<String> loop = loop(LONG, LONG);
    loop.start();
    script.answer(0, "busy");
    assertThat(script.armings).hasSize(1);
    script.sleeper.get().wake(); // a release during the check is kept, not lost
    script.armings.get(0).complete(null);
    await().until(() -> script.calls.size() == 2);
    script.answer(1, "busy");
    IllegalStateException deadlock = new IllegalStateException("a cycle");
    script.armings.get(1).completeExceptionally(deadlock);
    assertThat(loop.result()).isCompletedExceptionally();
    assertThat(loop.result().handle((outcome, failure) -> failure).join()).isSameAs(deadlock);
    assertThat(script.closed.get()).as("left the release topic").isEqualTo(1);
  }

  @Test
  void busy_whenJoinCostsACall_joinsAfterTheAnswerAndAttemptsAgainOnceLive() {
    script.joinEarlyFree = false;
    WaitLoop<String> loop = loop(LONG, LONG);
    loop.start();
    script.answer(0, "busy");
    assertThat(script.calls).hasSize(1); // waits for the subscription before the second attempt
    script.live.complete(null);
    await().until(() -> script.calls.size() == 2);
    script.answer(1, GRANT);
    assertThat(loop.result().join().answer()).isEqualTo(GRANT);
  }

  @Test
  void failure_thenGrant_validityCountsFromTheUnansweredAttempt() {
    WaitLoop<String> loop = loop(LONG, LONG);
    long before = System.nanoTime();
    loop.start();
    script.fail(0, new IllegalStateException("reply lost"));
    await().until(() -> script.calls.size() == 2);
    long secondSent = System.nanoTime();
    script.answer(1, GRANT);
    long validFrom = loop.result().join().validFromNanos();
    assertThat(validFrom - before).isGreaterThanOrEqualTo(0);
    assertThat(secondSent - validFrom).as("counted from the first, ambiguous attempt").isPositive();
  }

  @Test
  void failureNeverSent_thenGrant_validityCountsFromTheGrantingAttempt() {
    script.neverSent = true;
    WaitLoop<String> loop = loop(LONG, LONG);
    loop.start();
    long failedAt = System.nanoTime(); // the retry, and so the granting attempt, is sent after this
    script.fail(0, new IllegalStateException("rejected while disconnected"));
    await().until(() -> script.calls.size() == 2);
    script.answer(1, GRANT);
    WaitLoop.Outcome<String> outcome = loop.result().join();
    assertThat(outcome.sentByGrantingAttempt()).isTrue();
    assertThat(outcome.validFromNanos() - failedAt).as("not from the attempt that never left").isNotNegative();
  }

  @Test
  void waitRunsOut_whileBusy_endsWithTheLastBusyAnswer() {
    WaitLoop<String> loop = loop(Duration.ofMillis(20), Duration.ofMillis(5));
    loop.start();
    for (int i = 0; !loop.result().isDone(); i++) {
      int attempt = i;
      await().until(() -> script.calls.size() > attempt || loop.result().isDone());
      if (script.calls.size() > attempt) {
        script.answer(attempt, "busy-" + attempt);
      }
    }
    WaitLoop.Outcome<String> outcome = loop.result().join();
    assertThat(outcome.granted()).isFalse();
    assertThat(outcome.answer()).isEqualTo("busy-" + (script.calls.size() - 1));
  }

  @Test
  void grant_afterTheCallerLeft_isHandedBackAsUnwanted() {
    WaitLoop<String> loop = loop(LONG, LONG);
    loop.start();
    loop.result().cancel(false);
    script.answer(0, GRANT);
    assertThat(script.unwanted).containsExactly(GRANT);
    assertThat(script.closed.get()).isEqualTo(1);
  }

  @Test
  void failure_theAttemptsRefuseToRetry_endsWithThatFailure() {
    script.retry = false;
    WaitLoop<String> loop = loop(LONG, LONG);
    loop.start();
    IllegalStateException down = new IllegalStateException("down");
    script.fail(0, down);
    assertThat(loop.result()).isCompletedExceptionally();
    assertThat(script.calls).hasSize(1);
  }

  private WaitLoop<String> loop(Duration wait, Duration recheck) {
    return new WaitLoop<>(scheduler, recheck, wait, script, script);
  }

  /** Answers nothing by itself: each attempt's future waits for the test. */
  private static final class Script implements WaitLoop.Attempts<String>, WaitLoop.Wakeups {
    final List<CompletableFuture<String>> calls = new CopyOnWriteArrayList<>();
    final List<String> unwanted = new CopyOnWriteArrayList<>();
    final AtomicReference<WaitLoop.Sleeper> sleeper = new AtomicReference<>();
    final AtomicInteger closed = new AtomicInteger();
    final CompletableFuture<Void> live = new CompletableFuture<>();
    boolean joinEarlyFree = true;
    boolean retry = true;
    boolean neverSent;
    final List<CompletableFuture<Void>> armings = new CopyOnWriteArrayList<>();
    boolean checks;

    @Override
    public CompletableFuture<Void> armed() {
      if (!checks) {
        return null;
      }
      CompletableFuture<Void> arming = new CompletableFuture<>();
      armings.add(arming);
      return arming;
    }

    void answer(int attempt, String answer) {
      calls.get(attempt).complete(answer);
    }

    void fail(int attempt, Throwable failure) {
      calls.get(attempt).completeExceptionally(failure);
    }

    @Override
    public CompletableFuture<String> send() {
      CompletableFuture<String> call = new CompletableFuture<>();
      calls.add(call);
      return call;
    }

    @Override
    public Optional<Duration> busy(String answer) {
      return answer.equals(GRANT) ? Optional.empty() : Optional.of(LONG);
    }

    @Override
    public Optional<Duration> retryAfter(Throwable failure, int failuresInARow) {
      return retry ? Optional.of(Duration.ofMillis(1)) : Optional.empty();
    }

    @Override
    public boolean neverSent(Throwable failure) {
      return neverSent;
    }

    @Override
    public void unwanted(String grant) {
      unwanted.add(grant);
    }

    @Override
    public WaitLoop.Registration joinEarly(WaitLoop.Sleeper sleeper) {
      return joinEarlyFree ? join(sleeper) : null;
    }

    @Override
    public WaitLoop.Registration join(WaitLoop.Sleeper joining) {
      sleeper.set(joining);
      CompletableFuture<?> topic = joinEarlyFree ? CompletableFuture.completedFuture(null) : live;
      return new WaitLoop.Registration() {
        @Override
        public CompletableFuture<?> live() {
          return topic;
        }

        @Override
        public void close() {
          closed.incrementAndGet();
        }
      };
    }
  }
}
