package io.holdfast.verify;

import io.holdfast.FencingToken;
import io.holdfast.HoldfastOptions;
import io.holdfast.LockName;
import io.holdfast.LockState;
import io.holdfast.OwnerToken;
import io.holdfast.redis.RedisLockBackendProvider;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.LockBackendProvider;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewRequest;
import io.lettuce.core.RedisCommandTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real Redis backend with one scripted ambiguous failure, for the engine regression tests: the next acquire
 * runs in Redis but its answer is "lost" (a timeout after {@link #delay}), or the next release never reaches Redis
 * and times out after {@link #delay}. Served for {@code flaky-redis://host:port} by {@link Provider}.
 */
final class FlakyBackend implements LockBackend {
  static volatile boolean loseNextAcquireAnswer;
  static volatile boolean dropNextRelease;
  static volatile Duration delay = Duration.ofMillis(300);

  private final LockBackend delegate;

  private FlakyBackend(LockBackend delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl, long requestId) {
    CompletableFuture<AcquireOutcome> real = delegate.tryAcquire(name, owner, ttl, requestId);
    if (!loseNextAcquireAnswer) {
      return real;
    }
    loseNextAcquireAnswer = false;
    return real.thenCompose(outcome -> timeoutAfter(delay));
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(LockName name, OwnerToken owner, FencingToken fencingToken,
      long requestId) {
    if (!dropNextRelease) {
      return delegate.release(name, owner, fencingToken, requestId);
    }
    dropNextRelease = false;
    return timeoutAfter(delay);
  }

  private static <T> CompletableFuture<T> timeoutAfter(Duration after) {
    CompletableFuture<T> failed = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(after.toMillis(), TimeUnit.MILLISECONDS).execute(() ->
        failed.completeExceptionally(new RedisCommandTimeoutException("scripted: the answer was lost")));
    return failed;
  }

  @Override
  public CompletableFuture<List<Boolean>> renew(List<RenewRequest> leases) {
    return delegate.renew(leases);
  }

  @Override
  public CompletableFuture<Optional<LockState>> inspect(LockName name) {
    return delegate.inspect(name);
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribe(LockName name, Runnable onRelease) {
    return delegate.subscribe(name, onRelease);
  }

  @Override
  public boolean isTransient(Throwable failure) {
    return delegate.isTransient(failure);
  }

  @Override
  public String describe() {
    return "flaky " + delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** Serves {@code flaky-redis://}; registered in META-INF/services of the test class path. */
  public static final class Provider implements LockBackendProvider {
    /** For ServiceLoader. */
    public Provider() { }

    @Override
    public boolean supports(URI backend) {
      return "flaky-redis".equals(backend.getScheme());
    }

    @Override
    public LockBackend open(HoldfastOptions o) {
      URI redis = URI.create(o.backend().toString().replaceFirst("^flaky-redis:", "redis:"));
      HoldfastOptions real = new HoldfastOptions(redis, o.clientName(), o.keyPrefix(), o.meterRegistry(),
          o.wallClock(), o.operationTimeout(), o.retryBudget(), o.initialBackoff(), o.maxBackoff(),
          o.recheckInterval(), o.renewalFraction(), o.driftFactor(), o.renewalBatchSize());
      return new FlakyBackend(new RedisLockBackendProvider().open(real));
    }
  }
}
