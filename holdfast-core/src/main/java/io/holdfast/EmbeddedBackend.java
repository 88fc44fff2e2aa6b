package io.holdfast;

import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/*
 * The embedded backend: a LockBackend over an in-process EmbeddedStore. All clients in one JVM that name the same
 * store share its locks, which is what the demo and the contract tests need. Every call is atomic in the store and
 * completes at once; there are no transient failures to retry.
 */
final class EmbeddedBackend implements LockBackend {
  static final String SCHEME = "embedded";

  private final EmbeddedStore store;
  private final String storeName;
  private final EmbeddedPrimitives primitives;

  private EmbeddedBackend(String storeName) {
    this.storeName = storeName;
    this.store = EmbeddedStore.named(storeName);
    this.primitives = new EmbeddedPrimitives(store);
  }

  static boolean supports(URI uri) {
    return SCHEME.equals(uri.getScheme());
  }

  static EmbeddedBackend open(URI uri) {
    String name = uri.getSchemeSpecificPart();
    return new EmbeddedBackend(name == null || name.isBlank() ? "default" : name);
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl,
      long requestId) {
    return CompletableFuture.completedFuture(store.tryAcquire(name, owner, ttl, requestId, null));
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireFair(LockName name, OwnerToken owner, Duration ttl,
      long requestId, Duration wait, Duration queueKeep) {
    return CompletableFuture.completedFuture(store.tryAcquire(name, owner, ttl, requestId, queueKeep));
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(LockName name, OwnerToken owner, FencingToken token,
      long requestId) {
    return CompletableFuture.completedFuture(store.release(name, owner, token, requestId));
  }

  @Override
  public CompletableFuture<List<Boolean>> renew(List<RenewRequest> leases) {
    return CompletableFuture.completedFuture(store.renew(leases));
  }

  @Override
  public CompletableFuture<Optional<LockState>> inspect(LockName name) {
    return CompletableFuture.completedFuture(store.inspect(name));
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribe(LockName name, Runnable onRelease) {
    return subscribeHandOffs(name, head -> onRelease.run());
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribeHandOffs(LockName name, Consumer<String> onRelease) {
    Runnable unsubscribe = store.subscribe(name, onRelease);
    return CompletableFuture.completedFuture(unsubscribe::run);
  }

  /** The read/write lock and the semaphore, over the same store. */
  @Override
  public <T> Optional<T> feature(Class<T> type) {
    return type.isInstance(primitives) ? Optional.of(type.cast(primitives)) : LockBackend.super.feature(type);
  }

  @Override
  public boolean isTransient(Throwable failure) {
    return false;
  }

  @Override
  public String describe() {
    return "embedded:" + storeName + " (in-process, single JVM)";
  }

  @Override
  public void close() {
    // Nothing to close: the store outlives clients so that other clients in the JVM keep their locks.
  }
}
