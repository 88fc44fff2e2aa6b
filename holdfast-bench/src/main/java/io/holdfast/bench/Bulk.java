package io.holdfast.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Many asynchronous lock operations from one thread with a bounded number in flight, as an application holding
 * thousands of locks would issue them: enough in flight to fill the pipeline, not so many that client queues
 * or Redis output buffers inflate the memory being measured.
 */
final class Bulk {
  private static final int IN_FLIGHT = 256;

  private Bulk() { }

  /** Acquires every name once (try-once); fails with the first failure after all calls ended. */
  static List<Held> acquire(Locker locker, List<String> names, boolean renew) throws InterruptedException {
    return acquire(names, name -> locker.acquireAsync(name, renew));
  }

  /** Acquires every item once with {@code acquire} (a try-once call); fails as the other {@code acquire}. */
  static <T> List<Held> acquire(List<T> items, Function<T, CompletableFuture<Held>> acquire)
      throws InterruptedException {
    List<Held> held = Collections.synchronizedList(new ArrayList<>(items.size()));
    run(items, item -> acquire.apply(item).thenAccept(held::add));
    return new ArrayList<>(held);
  }

  /** Releases every hold; fails with the first failure after all calls ended. */
  static void release(List<Held> held) throws InterruptedException {
    run(held, Held::releaseAsync);
  }

  /** Acquires and releases every name once: the residue workload. */
  static void cycle(Locker locker, List<String> names) throws InterruptedException {
    run(names, name -> locker.acquireAsync(name, false).thenCompose(Held::releaseAsync));
  }

  private static <T> void run(List<T> items, Function<T, CompletableFuture<?>> operation)
      throws InterruptedException {
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong failures = new AtomicLong();
    for (T item : items) {
      slots.acquire();
      CompletableFuture<?> call;
      try {
        call = operation.apply(item);
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      call.whenComplete((ok, error) -> {
        if (error != null) {
          failures.incrementAndGet();
          failure.compareAndSet(null, error);
        }
        slots.release();
      });
    }
    slots.acquire(IN_FLIGHT);
    if (failure.get() != null) {
      throw new IllegalStateException(failures.get() + " of " + items.size() + " bulk lock operations failed, "
          + "first: " + failure.get(), failure.get());
    }
  }
}
