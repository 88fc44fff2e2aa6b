package io.holdfast.verify;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import java.time.Clock;
import java.time.Duration;

/*
 * The workload's view of the library's fair lock: HoldfastDriver's client and leases with every acquire in fair
 * mode, through FairTap, which reports each busy answer's place in line to the checker (C7 reads them). As the
 * negative control (barging) FairTap tries the plain lock right after every fair busy answer, so waiters pass the
 * ones ahead of them; C7 must find it.
 */
final class FairDriver implements LockDriver {
  private final Holdfast client;
  private final LostSink lost;

  FairDriver(String backendUri, String clientName, Clock wallClock, Duration ttl, LostSink lost, FairTap.Sink queued,
      boolean barging) {
    this.lost = lost;
    FairTap.register(clientName, queued);
    String tapped = (barging ? FairTap.BARGING : FairTap.TAP) + backendUri;
    this.client = Holdfast.connect(HoldfastDriver.options(tapped, clientName, wallClock, ttl));
  }

  @Override
  public Held tryAcquire(String lock, String owner, Duration ttl, Duration wait, boolean autoRenew) {
    AcquireRequest request = new AcquireRequest(LockName.of(lock), OwnerToken.of(owner), ttl, wait, autoRenew,
        (lease, reason) -> lost.lost(lock, owner, lease.fencingToken().value(), reason.name()), true);
    return client.tryAcquire(request).map(HoldfastDriver.HeldLease::new).orElse(null);
  }

  @Override
  public String describe() {
    return "Holdfast fair lock " + client.describeBackend();
  }

  @Override
  public void close() {
    client.close();
  }
}
