package io.holdfast;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/* Small future helpers; stateless. */
final class CompletableFutures {
  private CompletableFutures() { }

  /** Calls a future-returning method, turning an exception it throws into a failed future. */
  static <T> CompletableFuture<T> safely(Supplier<CompletableFuture<T>> call) {
    try {
      CompletableFuture<T> future = call.get();
      return future != null ? future
          : CompletableFuture.failedFuture(new IllegalStateException("backend returned a null future"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
