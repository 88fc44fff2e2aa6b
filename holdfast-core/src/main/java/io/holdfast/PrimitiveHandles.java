package io.holdfast;

import io.holdfast.spi.ReadWriteLockBackend;
import io.holdfast.spi.SemaphoreBackend;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/*
 * The handles of the read/write lock and the semaphore. They hold no state of their own: each acquire runs the
 * plain lock's engine (LockClient, AcquireOperation, WaitLoop, RenewalScheduler) with the primitive's attempt and
 * its LeaseKind, so waiting, retries, validity, renewal and loss signals are the lock's, and the grant rules stay
 * in the backend (the Redis scripts, the embedded HolderTable). Safe: immutable.
 */
final class PrimitiveHandles {
  private PrimitiveHandles() { }

  /** One source of leases under a name. */
  static final class Source implements LeaseSource {
    private final LockClient client;
    private final LockName name;
    private final LeaseKind kind;
    private final AcquireOperation.PrimitiveAttempt attempt;

    Source(LockClient client, LockName name, LeaseKind kind, AcquireOperation.PrimitiveAttempt attempt) {
      this.client = client;
      this.name = name;
      this.kind = kind;
      this.attempt = attempt;
    }

    @Override
    public LockName name() {
      return name;
    }

    @Override
    public Lease acquire(AcquireRequest request) {
      return Failures.join(acquireAsync(request), describe());
    }

    @Override
    public Optional<Lease> tryAcquire(AcquireRequest request) {
      return Failures.join(tryAcquireAsync(request), describe());
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(AcquireRequest request) {
      return LockClient.orWaitTimeout(tryAcquireAsync(request), request);
    }

    @Override
    public CompletableFuture<Optional<Lease>> tryAcquireAsync(AcquireRequest request) {
      if (request == null) {
        throw new InvalidArgumentException("acquire request must not be null");
      }
      if (!request.name().equals(name)) {
        throw new InvalidArgumentException("the request names '" + request.name() + "', but this "
            + kind.name().toLowerCase(java.util.Locale.ROOT) + " source is '" + name + "'");
      }
      return client.tryAcquireAsync(request, kind, attempt);
    }

    private String describe() {
      return "acquire of " + kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + name + "'";
    }

    @Override
    public String toString() {
      return "LeaseSource[" + kind + " " + name + "]";
    }
  }

  /** A read/write lock handle; its writers announce themselves when it prefers writers. */
  static final class ReadWrite implements ReadWriteLock {
    private final LockName name;
    private final boolean preferWriters;
    private final Source read;
    private final Source write;

    ReadWrite(LockClient client, ReadWriteLockBackend backend, LockName name, boolean preferWriters) {
      this.name = name;
      this.preferWriters = preferWriters;
      this.read = new Source(client, name, LeaseKind.READ, (request, id, wait) ->
          backend.tryAcquireRead(name, request.owner(), request.leaseTtl(), id, preferWriters));
      Duration announceAtMost = client.options().recheckInterval().multipliedBy(2);
      this.write = new Source(client, name, LeaseKind.WRITE, (request, id, wait) ->
          backend.tryAcquireWrite(name, request.owner(), request.leaseTtl(), id,
              preferWriters ? announcement(wait, announceAtMost) : Duration.ZERO));
    }

    /*
     * A waiting writer's announcement must outlive its next attempt (at the latest one re-check interval away),
     * and must not outlive its wait, so that a writer that gave up (or died) keeps readers out for at most
     * twice the re-check interval.
     */
    private static Duration announcement(Duration remainingWait, Duration atMost) {
      return remainingWait.compareTo(atMost) < 0 ? remainingWait : atMost;
    }

    @Override
    public LockName name() {
      return name;
    }

    @Override
    public boolean prefersWriters() {
      return preferWriters;
    }

    @Override
    public LeaseSource readLock() {
      return read;
    }

    @Override
    public LeaseSource writeLock() {
      return write;
    }

    @Override
    public String toString() {
      return "ReadWriteLock[" + name + (preferWriters ? ", writers preferred]" : "]");
    }
  }

  /** A semaphore handle: every acquire carries its number of permits. */
  static final class Permits implements Semaphore {
    private final SemaphoreBackend backend;
    private final LockName name;
    private final int permits;
    private final Source source;

    Permits(LockClient client, SemaphoreBackend backend, LockName name, int permits) {
      if (permits < 1) {
        throw new InvalidArgumentException("a semaphore needs at least 1 permit, was " + permits + " for '"
            + name + "'");
      }
      this.backend = backend;
      this.name = name;
      this.permits = permits;
      this.source = new Source(client, name, LeaseKind.PERMIT, (request, id, wait) ->
          backend.tryAcquirePermit(name, permits, request.owner(), request.leaseTtl(), id));
    }

    @Override
    public int permits() {
      return permits;
    }

    @Override
    public CompletableFuture<Integer> heldAsync() {
      return CompletableFutures.safely(() -> backend.permitsHeld(name));
    }

    @Override
    public LockName name() {
      return name;
    }

    @Override
    public Lease acquire(AcquireRequest request) {
      return source.acquire(request);
    }

    @Override
    public Optional<Lease> tryAcquire(AcquireRequest request) {
      return source.tryAcquire(request);
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(AcquireRequest request) {
      return source.acquireAsync(request);
    }

    @Override
    public CompletableFuture<Optional<Lease>> tryAcquireAsync(AcquireRequest request) {
      return source.tryAcquireAsync(request);
    }

    @Override
    public String toString() {
      return "Semaphore[" + name + ", permits=" + permits + "]";
    }
  }
}
