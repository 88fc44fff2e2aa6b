package io.holdfast.verify;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.LeaseSource;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import java.time.Clock;
import java.time.Duration;

/*
 * The workload's view of the library's read/write lock and semaphore, so that the same workers, faults and checkers
 * judge them: a worker's acquire takes the read or the write side of the read/write lock named like the lock (which
 * side is a function of the owner, HolderKinds.isWriter, so the checker knows it from the history), or a permit of
 * a semaphore of HolderKinds.PERMITS. The client is configured as HoldfastDriver's and the leases are the same
 * Lease type. As the negative controls, writers take the read side (writersRead: a writer then overlaps readers) or
 * the semaphore admits far more than the checker's number (ignorePermits); C3 must find the overlaps.
 */
final class PrimitiveDriver implements LockDriver {
  private final Holdfast client;
  private final LostSink lost;
  private final String lock;

  PrimitiveDriver(String backendUri, String clientName, Clock wallClock, Duration ttl, LostSink lost, String lock) {
    this.lost = lost;
    this.lock = lock;
    this.client = Holdfast.connect(HoldfastDriver.options(backendUri, clientName, wallClock, ttl));
  }

  @Override
  public Held tryAcquire(String name, String owner, Duration ttl, Duration wait, boolean autoRenew) {
    AcquireRequest request = new AcquireRequest(LockName.of(name), OwnerToken.of(owner), ttl, wait, autoRenew,
        (lease, reason) -> lost.lost(name, owner, lease.fencingToken().value(), reason.name()));
    return source(name, owner).tryAcquire(request).map(HoldfastDriver.HeldLease::new).orElse(null);
  }

  private LeaseSource source(String name, String owner) {
    return switch (lock) {
      case Workload.RWLOCK -> HolderKinds.isWriter(owner) ? client.readWriteLock(name).writeLock()
          : client.readWriteLock(name).readLock();
      case Workload.RWLOCK_WRITERS_READ -> client.readWriteLock(name).readLock();
      case Workload.SEMAPHORE -> client.semaphore(name, HolderKinds.PERMITS);
      default -> client.semaphore(name, HolderKinds.PERMITS * 50);
    };
  }

  @Override
  public String describe() {
    return "Holdfast " + lock + " " + client.describeBackend();
  }

  @Override
  public void close() {
    client.close();
  }
}
