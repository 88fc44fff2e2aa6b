package io.holdfast.server;

import io.holdfast.ClientFactory;
import io.holdfast.ErrorCode;
import io.holdfast.HoldfastOptions;
import io.holdfast.api.v1.Reason;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.ReadWriteLockBackend;
import io.holdfast.spi.SemaphoreBackend;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/*
 * The library's read/write lock and semaphore steps, for the service: the library backend on the server's own
 * store (on Redis, RedisPrimitives over the library's connection to the same Redis and key prefix; in memory, the
 * embedded backend of a store private to this server), reached through its SPI features. So every grant rule stays
 * in the library's scripts (rwlock_acquire.lua, semaphore_acquire.lua, holders_*.lua) and HolderTable; the service
 * only scopes names and owners and moves messages. Redis need not answer at start-up (as for the store): the
 * backend is opened in the background, and opened again by the next call after a failed open; until then calls
 * fail with the library's UNAVAILABLE. On independent masters (redis-quorum://) that is the library's quorum backend
 * too (holdfast-redis QuorumHolders: holder tables granted by majority, the semaphore's permits as numbered slots),
 * like on any topology.
 * Safe: the one mutable field is guarded by this object's monitor; the backend itself is thread-safe.
 */
final class PrimitiveBackends implements AutoCloseable {
  private final HoldfastOptions options;
  private final ExecutorService opener = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "holdfast-server-primitives-open");
    thread.setDaemon(true);
    return thread;
  });
  private CompletableFuture<LockBackend> backend;
  private boolean closed;

  PrimitiveBackends(ServerConfig config) {
    HoldfastOptions.Builder builder = HoldfastOptions.builder().clientName("holdfast-server-primitives")
        .keyPrefix(config.keyPrefix()).operationTimeout(config.redisTimeout());
    this.options = config.inMemory() ? builder.backend("embedded:holdfast-server-" + UUID.randomUUID()).build()
        : builder.backend(config.redis().toString()).build();
    backend();
  }

  /** The read/write lock steps. */
  CompletableFuture<ReadWriteLockBackend> readWrite() {
    return backend().thenApply(open -> open.feature(ReadWriteLockBackend.class).orElseThrow());
  }

  /** The semaphore steps. */
  CompletableFuture<SemaphoreBackend> semaphore() {
    return backend().thenApply(open -> open.feature(SemaphoreBackend.class).orElseThrow());
  }

  private synchronized CompletableFuture<LockBackend> backend() {
    if (closed) {
      return CompletableFuture.failedFuture(new ServiceException(ErrorCode.CLOSED,
          Reason.SHUTTING_DOWN, "this Holdfast server is shutting down; retry on another instance"));
    }
    if (backend == null || backend.isCompletedExceptionally()) {
      backend = CompletableFuture.supplyAsync(() -> ClientFactory.openBackend(options), opener);
    }
    return backend;
  }

  @Override
  public void close() {
    CompletableFuture<LockBackend> open;
    synchronized (this) {
      closed = true;
      open = backend;
    }
    opener.shutdownNow();
    if (open != null) {
      open.thenAccept(LockBackend::close);
    }
  }
}
