package io.holdfast;

import io.holdfast.internal.Deadlines;
import io.holdfast.spi.LockBackend;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/*
 * Retries one backend call on transient failures, with full-jitter backoff, until it succeeds, fails for good, or
 * the retry budget runs out. It is only ever used for operations that are safe to repeat (every backend call is
 * token-checked or carries a request id), which is what makes blind retry correct here. The attempt number is
 * passed to the call so that a caller can tell a first answer from one that follows an ambiguous failure.
 */
final class Retrier {
  private final LockBackend backend;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;
  private final ClientMetrics metrics;
  private final Duration budget;

  Retrier(LockBackend backend, ScheduledExecutorService scheduler, HoldfastOptions options, ClientMetrics metrics) {
    this.backend = backend;
    this.scheduler = scheduler;
    this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
    this.metrics = metrics;
    this.budget = options.retryBudget();
  }

  <T> CompletableFuture<T> call(String operation, String what, IntFunction<CompletableFuture<T>> attempt) {
    CompletableFuture<T> result = new CompletableFuture<>();
    long deadline = Deadlines.after(System.nanoTime(), budget);
    run(operation, what, attempt, 0, deadline, result);
    return result;
  }

  private <T> void run(String operation, String what, IntFunction<CompletableFuture<T>> attempt, int number,
      long deadline, CompletableFuture<T> result) {
    CompletableFuture<T> call;
    try {
      call = attempt.apply(number);
    } catch (RuntimeException e) {
      result.completeExceptionally(Failures.toCallerException(backend, e, what));
      return;
    }
    call.whenComplete((value, failure) -> {
      if (failure == null) {
        result.complete(value);
        return;
      }
      long delay = backoff.delayNanos(number);
      boolean retry = backend.isTransient(Failures.unwrap(failure))
          && !Deadlines.passed(deadline, System.nanoTime() + delay)
          && !scheduler.isShutdown();
      if (!retry) {
        result.completeExceptionally(Failures.toCallerException(backend, failure, what));
        return;
      }
      metrics.retried(operation);
      try {
        scheduler.schedule(() -> run(operation, what, attempt, number + 1, deadline, result), delay,
            TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        result.completeExceptionally(new HoldfastException(ErrorCode.CLOSED, what + " failed: client closed"));
      }
    });
  }
}
