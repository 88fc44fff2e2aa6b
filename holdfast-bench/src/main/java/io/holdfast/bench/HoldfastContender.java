package io.holdfast.bench;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LeaseSource;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Holdfast as an application uses it: {@code Holdfast.connect} with default options (only the key prefix is
 * shortened to {@code hf}, so that its keys are as long as the others'), {@code tryAcquire(name, ttl, wait)}
 * with the default auto-renewal; {@code holdfast-fair} is the same in fair mode ({@code withFair(true)}), and runs
 * only the saturated fleet, the workload that compares the two modes. Its read/write locks and semaphores are
 * {@code holdfast.readWriteLock(name, preferWriters)} and {@code holdfast.semaphore(name, n)}.
 */
final class HoldfastContender implements PrimitiveContender {
  /** The fair mode's contender name. */
  static final String FAIR_NAME = "holdfast-fair";
  private static final String PREFIX = "hf";

  private final boolean fair;

  HoldfastContender() {
    this(false);
  }

  HoldfastContender(boolean fair) {
    this.fair = fair;
  }

  @Override
  public String name() {
    return fair ? FAIR_NAME : "holdfast";
  }

  @Override
  public String tag() {
    return fair ? "hff" : "hf";
  }

  @Override
  public boolean runs(String workload) {
    return !fair || workload.equals("saturated");
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
  public HoldfastLocker connect(LockerSpec spec) {
    HoldfastOptions options = HoldfastOptions.builder()
        .backend(spec.redisUri())
        .clientName(spec.instanceName())
        .keyPrefix(PREFIX)
        .build();
    return new HoldfastLocker(Holdfast.connect(options), spec.leaseTtl(), fair);
  }

  /** One Holdfast client, whatever its backend; the service contender uses it too. */
  static final class HoldfastLocker implements PrimitiveLocker {
    private final Holdfast holdfast;
    private final Duration ttl;
    private final boolean fair;

    HoldfastLocker(Holdfast holdfast, Duration ttl) {
      this(holdfast, ttl, false);
    }

    HoldfastLocker(Holdfast holdfast, Duration ttl, boolean fair) {
      this.holdfast = holdfast;
      this.ttl = ttl;
      this.fair = fair;
    }

    @Override
    public Held acquire(String name, Duration wait) {
      Optional<Lease> lease = holdfast.tryAcquire(AcquireRequest.of(name, ttl).withWait(wait).withFair(fair));
      return lease.map(LeaseHeld::new).orElse(null);
    }

    @Override
    public CompletableFuture<Held> acquireAsync(String name, boolean renew) {
      AcquireRequest request = AcquireRequest.of(name, ttl).withWait(Duration.ZERO).withFair(fair);
      return holdfast.tryAcquireAsync(renew ? request : request.withoutAutoRenew())
          .thenApply(lease -> new LeaseHeld(lease.orElseThrow(() -> new BusyException(name))));
    }

    @Override
    public Held acquire(Target target, Duration wait) {
      LeaseSource source = source(target);
      return source.tryAcquire(source.request(ttl).withWait(wait)).map(LeaseHeld::new).orElse(null);
    }

    @Override
    public CompletableFuture<Held> acquireAsync(Target target) {
      LeaseSource source = source(target);
      return source.tryAcquireAsync(source.request(ttl).withWait(Duration.ZERO).withoutAutoRenew())
          .thenApply(lease -> new LeaseHeld(lease.orElseThrow(() -> new BusyException(target.name()))));
    }

    /** The handles cost nothing to make (they hold no state), so one per call, as an application may. */
    private LeaseSource source(Target target) {
      return switch (target.kind()) {
        case READ -> holdfast.readWriteLock(target.name(), target.preferWriters()).readLock();
        case WRITE -> holdfast.readWriteLock(target.name(), target.preferWriters()).writeLock();
        case PERMIT -> holdfast.semaphore(target.name(), target.permits());
      };
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
