package io.holdfast.bench;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Holdfast as an application uses it: {@code Holdfast.connect} with default options (only the key prefix is
 * shortened to {@code hf}, so that its keys are as long as the others'), {@code tryAcquire(name, ttl, wait)}
 * with the default auto-renewal.
 */
final class HoldfastContender implements Contender {
  private static final String PREFIX = "hf";

  @Override
  public String name() {
    return "holdfast";
  }

  @Override
  public String tag() {
    return "hf";
  }

  @Override
  public boolean fencing() {
    return true;
  }

  @Override
  public String redisKey(String lockName) {
    return PREFIX + ":{" + lockName + "}";
  }

  @Override
  public Locker connect(LockerSpec spec) {
    HoldfastOptions options = HoldfastOptions.builder()
        .backend(spec.redisUri())
        .clientName(spec.instanceName())
        .keyPrefix(PREFIX)
        .build();
    return new HoldfastLocker(Holdfast.connect(options), spec.leaseTtl());
  }

  /** One Holdfast client, whatever its backend; the service contender uses it too. */
  static final class HoldfastLocker implements Locker {
    private final Holdfast holdfast;
    private final Duration ttl;

    HoldfastLocker(Holdfast holdfast, Duration ttl) {
      this.holdfast = holdfast;
      this.ttl = ttl;
    }

    @Override
    public Held acquire(String name, Duration wait) {
      Optional<Lease> lease = holdfast.tryAcquire(AcquireRequest.of(name, ttl).withWait(wait));
      return lease.map(LeaseHeld::new).orElse(null);
    }

    @Override
    public CompletableFuture<Held> acquireAsync(String name, boolean renew) {
      AcquireRequest request = AcquireRequest.of(name, ttl).withWait(Duration.ZERO);
      return holdfast.tryAcquireAsync(renew ? request : request.withoutAutoRenew())
          .thenApply(lease -> new LeaseHeld(lease.orElseThrow(() -> new BusyException(name))));
    }

    @Override
    public void close() {
      holdfast.close();
    }
  }

  private record LeaseHeld(Lease lease) implements Held {
    @Override
    public long token() {
      return lease.fencingToken().value();
    }

    @Override
    public void release() {
      lease.release();
    }

    @Override
    public CompletableFuture<Void> releaseAsync() {
      return lease.releaseAsync();
    }
  }
}
