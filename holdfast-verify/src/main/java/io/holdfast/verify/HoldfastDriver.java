package io.holdfast.verify;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LeaseLostException;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/*
 * The workload's view of the real library: one Holdfast client per client JVM, connected through the checker's
 * TCP proxy, with the injected wall clock. Timeouts are scaled to the TTL so that a run with a one-second lease
 * behaves like production with a thirty-second one, only faster.
 */
final class HoldfastDriver implements LockDriver {
  private final Holdfast client;
  private final LostSink lost;

  HoldfastDriver(String backendUri, String clientName, Clock wallClock, Duration ttl, LostSink lost) {
    this.lost = lost;
    this.client = Holdfast.connect(options(backendUri, clientName, wallClock, ttl));
  }

  static HoldfastOptions options(String backendUri, String clientName, Clock wallClock, Duration ttl) {
    return HoldfastOptions.builder()
        .backend(backendUri)
        .clientName(clientName)
        .keyPrefix("verify")
        .wallClock(wallClock)
        .operationTimeout(ttl.dividedBy(2))
        .retryBudget(ttl.multipliedBy(2))
        .recheckInterval(ttl)
        .build();
  }

  @Override
  public Held tryAcquire(String lock, String owner, Duration ttl, Duration wait, boolean autoRenew) {
    AcquireRequest request = new AcquireRequest(LockName.of(lock), OwnerToken.of(owner), ttl, wait, autoRenew,
        (lease, reason) -> lost.lost(lock, owner, lease.fencingToken().value(), reason.name()));
    Optional<Lease> lease = client.tryAcquire(request);
    return lease.map(HeldLease::new).orElse(null);
  }

  @Override
  public String describe() {
    return "Holdfast " + client.describeBackend();
  }

  @Override
  public void close() {
    client.close();
  }

  /** A Holdfast lease, with LeaseLostException mapped to a definite "not held". */
  record HeldLease(Lease lease) implements Held {
    @Override
    public long token() {
      return lease.fencingToken().value();
    }

    @Override
    public long validNanos() {
      return lease.isValid() ? lease.remainingValidity().toNanos() : 0;
    }

    @Override
    public void renew() {
      try {
        lease.renew();
      } catch (LeaseLostException e) {
        throw new NotHeld(e.getMessage());
      }
    }

    @Override
    public void release() {
      try {
        lease.release();
      } catch (LeaseLostException e) {
        throw new NotHeld(e.getMessage());
      }
    }
  }
}
