package io.holdfast;

import io.holdfast.spi.LockBackend;
import io.holdfast.spi.ReadWriteLockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import io.holdfast.spi.SemaphoreBackend;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/*
 * The backend operations behind each LeaseKind, in one place, so that release, renewal and wake-ups route by the
 * grant's kind and nowhere else. The plain lock goes to the LockBackend exactly as before; the other kinds go to
 * the optional features the backend offers (LockBackend.feature), looked up once. Safe: immutable.
 */
final class PrimitiveCalls {
  private final LockBackend backend;
  private final ReadWriteLockBackend readWrite;
  private final SemaphoreBackend semaphore;

  PrimitiveCalls(LockBackend backend) {
    this.backend = backend;
    this.readWrite = backend.feature(ReadWriteLockBackend.class).orElse(null);
    this.semaphore = backend.feature(SemaphoreBackend.class).orElse(null);
  }

  /** The read/write operations; fails before anything is sent when the backend has none. */
  ReadWriteLockBackend readWrite() {
    if (readWrite == null) {
      throw unsupported("read/write locks");
    }
    return readWrite;
  }

  /** The semaphore operations; fails before anything is sent when the backend has none. */
  SemaphoreBackend semaphore() {
    if (semaphore == null) {
      throw unsupported("semaphores");
    }
    return semaphore;
  }

  CompletableFuture<ReleaseOutcome> release(LeaseKind kind, LockName name, OwnerToken owner, FencingToken token,
      long requestId) {
    return switch (kind) {
      case LOCK -> backend.release(name, owner, token, requestId);
      case READ -> readWrite().release(ReadWriteLockBackend.Side.READ, name, owner, token, requestId);
      case WRITE -> readWrite().release(ReadWriteLockBackend.Side.WRITE, name, owner, token, requestId);
      case PERMIT -> semaphore().releasePermit(name, owner, token, requestId);
    };
  }

  CompletableFuture<List<RenewOutcome>> renewEach(LeaseKind kind, List<RenewRequest> leases) {
    return switch (kind) {
      case LOCK -> backend.renewEach(leases);
      case READ -> readWrite().renewEach(ReadWriteLockBackend.Side.READ, leases);
      case WRITE -> readWrite().renewEach(ReadWriteLockBackend.Side.WRITE, leases);
      case PERMIT -> semaphore().renewPermits(leases);
    };
  }

  /* A single renewal asked by the holder: an unknown outcome is a failure, for the retrier to judge. */
  CompletableFuture<List<Boolean>> renewOne(LeaseKind kind, RenewRequest renewal) {
    return renewEach(kind, List.of(renewal)).thenApply(outcomes -> {
      if (outcomes.get(0) == RenewOutcome.UNKNOWN) {
        throw new BackendUnavailableException("renewal of '" + renewal.name() + "' got no answer", null);
      }
      return List.of(outcomes.get(0) == RenewOutcome.RENEWED);
    });
  }

  /** Read and write waiters of one name hear the same channel; the kind decides whom a message wakes. */
  CompletableFuture<ReleaseSubscription> subscribe(LeaseKind kind, LockName name, Consumer<String> onRelease) {
    return switch (kind) {
      case LOCK -> backend.subscribeHandOffs(name, onRelease);
      case READ, WRITE -> readWrite().subscribeReadWrite(name, () -> onRelease.accept(""));
      case PERMIT -> semaphore().subscribePermits(name, () -> onRelease.accept(""));
    };
  }

  private InvalidArgumentException unsupported(String what) {
    return new InvalidArgumentException("the backend " + backend.describe() + " offers no " + what
        + " (offered by embedded:, redis://, redis-sentinel://, redis-cluster://, redis-quorum:// and holdfast://)");
  }
}
