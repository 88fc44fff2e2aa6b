package io.holdfast;

import io.holdfast.spi.LockBackend;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/*
 * Turns whatever a backend future failed with into the one exception family callers see. Keeping this in one
 * place means every path (acquire, release, renew, inspect) reports the same failure the same way. Stateless.
 */
final class Failures {
  private Failures() { }

  static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** The exception to hand the caller after {@code what} failed for good. */
  static HoldfastException toCallerException(LockBackend backend, Throwable failure, String what) {
    Throwable cause = unwrap(failure);
    if (cause instanceof HoldfastException holdfast) {
      return holdfast;
    }
    if (backend.isTransient(cause)) {
      return new BackendUnavailableException(
          what + " failed: backend " + backend.describe() + " unavailable (" + describe(cause) + ")", cause);
    }
    return new HoldfastException(ErrorCode.INTERNAL, what + " failed: " + describe(cause), cause);
  }

  static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + message;
  }

  /** Waits for a future on the caller's thread, restoring the interrupt flag if interrupted. */
  static <T> T join(java.util.concurrent.CompletableFuture<T> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw new HoldfastException(ErrorCode.INTERRUPTED, what + " was interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof HoldfastException holdfast) {
        throw rethrowable(holdfast);
      }
      throw new HoldfastException(ErrorCode.INTERNAL, what + " failed: " + describe(cause), cause);
    } catch (java.util.concurrent.CancellationException e) {
      throw new HoldfastException(ErrorCode.CLOSED, what + " was cancelled", e);
    }
  }

  /*
   * The exception object was created on another thread; adding the caller's stack as a suppressed trace keeps
   * the caller's location visible in logs without changing the exception's type or code.
   */
  private static HoldfastException rethrowable(HoldfastException original) {
    original.addSuppressed(new CallerStack());
    return original;
  }

  private static final class CallerStack extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CallerStack() {
      super("waited for here");
    }
  }
}
