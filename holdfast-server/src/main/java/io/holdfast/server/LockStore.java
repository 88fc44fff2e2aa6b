package io.holdfast.server;

import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.ClientFacts;
import io.holdfast.server.StoreViews.Forced;
import io.holdfast.server.StoreViews.Housekeeping;
import io.holdfast.server.StoreViews.KeepAliveResult;
import io.holdfast.server.StoreViews.LockPage;
import io.holdfast.server.StoreViews.LockView;
import io.holdfast.server.StoreViews.OpenedSession;
import io.holdfast.server.StoreViews.Renewal;
import io.holdfast.server.StoreViews.SessionView;
import io.holdfast.server.StoreViews.WaiterView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Where the service keeps every session, lock and waiter: Redis ({@link RedisStore} on a single server, Sentinel or
 * Cluster; {@link QuorumStore} on independent masters; any number of service instances) or this process's memory
 * ({@link MemoryStore}, one instance, lost on restart). All keep the same semantics, described in
 * {@code common.lua}, timed by the store's clock; on Redis a method may be several idempotent steps (one per hash
 * slot involved), see docs/server.md.
 *
 * <p>Failures: futures fail with {@link ServiceException} only. The store unreachable or too slow is
 * UNAVAILABLE (the step may or may not have been applied; every step is safe to repeat with the same request
 * id); an unknown or expired session is LEASE_LOST with reason SESSION_UNKNOWN or SESSION_EXPIRED; a session of
 * another principal is PERMISSION_DENIED / FORBIDDEN; a lease that is not the caller's (another owner, token or
 * session) is LEASE_LOST / NOT_OWNER. A failed step changed nothing.
 */
interface LockStore extends AutoCloseable {

  /**
   * Opens a session of {@code tenant} with a TTL and lock-delay, owned by {@code principal}: from then on a
   * {@link SessionRef} whose scope is another principal id is refused with PERMISSION_DENIED / FORBIDDEN by every
   * method that takes one (acquire, release, keep-alive and its renewals, close).
   */
  CompletableFuture<OpenedSession> openSession(String tenant, String principal, String clientName, String host,
      Duration ttl, Duration lockDelay);

  /** {@link #openSession(String, String, String, String, Duration, Duration)} of a client that names no host. */
  default CompletableFuture<OpenedSession> openSession(String tenant, String principal, String clientName,
      Duration ttl, Duration lockDelay) {
    return openSession(tenant, principal, clientName, "", ttl, lockDelay);
  }

  /**
   * Extends a live session to a full TTL, keeps its locks alive, and renews the listed leases; stores
   * {@code clockOffset} (the client's measured wall-clock offset from the store's clock) with the session when
   * present.
   */
  CompletableFuture<KeepAliveResult> keepAlive(SessionRef session, List<Renewal> renewals,
      Optional<Duration> clockOffset);

  /** {@link #keepAlive(SessionRef, List, Optional)} without a clock offset to store. */
  default CompletableFuture<KeepAliveResult> keepAlive(SessionRef session, List<Renewal> renewals) {
    return keepAlive(session, renewals, Optional.empty());
  }

  /**
   * What the clients of these sessions of {@code tenant} said about themselves (host, clock offset); sessions
   * unknown, gone or of another tenant are left out. One read per session: callers pass a page's holders.
   */
  CompletableFuture<Map<String, ClientFacts>> clients(String tenant, Set<String> sessionIds);

  /** {@link #clients} of the sessions holding these locks (library grants have none). */
  default CompletableFuture<Map<String, ClientFacts>> holders(String tenant, List<LockView> locks) {
    Set<String> ids = locks.stream().map(LockView::sessionId).filter(id -> !id.isEmpty())
        .collect(Collectors.toSet());
    return ids.isEmpty() ? CompletableFuture.completedFuture(Map.of()) : clients(tenant, ids);
  }

  /** Closes a live session, releasing its locks without lock-delay; returns how many were released. */
  CompletableFuture<Integer> closeSession(SessionRef session);

  /**
   * One attempt to grant {@code lock} to {@code owner} in {@code session}.
   *
   * @param leaseTtl zero binds the lock to the session only
   * @param waiterListing when busy, list the caller among the lock's waiters for this long (zero: don't)
   */
  CompletableFuture<AcquireResult> acquire(SessionRef session, LockKey lock, String owner, Duration leaseTtl,
      long requestId, Duration waiterListing);

  /**
   * One attempt in the fair mode when {@code queueKeep} is not null (acquire.lua's, docs/fair-lock.md): granted
   * only when no live waiter is ahead in the lock's line; a busy attempt takes or keeps the caller's place
   * ({@code "<session id> <owner>"}) for {@code queueKeep} (zero: no place). The default serves the plain mode and
   * refuses the fair one with INVALID_ARGUMENT: a store that cannot keep the order must not pretend to.
   */
  default CompletableFuture<AcquireResult> acquire(SessionRef session, LockKey lock, String owner, Duration leaseTtl,
      long requestId, Duration waiterListing, Duration queueKeep) {
    if (queueKeep == null) {
      return acquire(session, lock, owner, leaseTtl, requestId, waiterListing);
    }
    return CompletableFuture.failedFuture(ServiceException.badRequest("fair locks are not available on "
        + describe() + " (lock '" + lock.name() + "')"));
  }

  /**
   * Gives back the hold that the acquire with {@code requestId} added, for a grant that reached no caller (the
   * caller had gone, or a step after the grant failed): a clean release without lock-delay, keyed by owner and
   * request id, not by token. It does nothing when that request was answered again since (the caller may have
   * retried it through another instance and been handed the hold), when nothing of that request is held, or when
   * the grant is past its holding time. Completes with whether a hold was given back ({@code token} names the
   * grant in logs).
   */
  CompletableFuture<Boolean> giveBack(SessionRef session, LockKey lock, String owner, long token, long requestId);

  /** Releases one hold; returns the holds left. */
  CompletableFuture<Integer> release(SessionRef session, LockKey lock, String owner, long token, long requestId);

  /** The lock's holder, if held or lock-delayed. */
  CompletableFuture<Optional<LockView>> inspect(LockKey lock);

  /**
   * One page of the held and lock-delayed locks of a tenant whose names start with {@code prefix}, by name, after
   * the name {@code after} ("" from the start). Cost is bounded by {@code limit}, never by the number of locks: a
   * page may hold fewer than {@code limit} locks (even none) and still name a next page. Following {@code next}
   * from "" to "" lists every lock held throughout the walk exactly once.
   */
  CompletableFuture<LockPage> listLocks(String tenant, String prefix, String after, int limit);

  /** The first page of {@link #listLocks(String, String, String, int)}. */
  default CompletableFuture<List<LockView>> listLocks(String tenant, String prefix, int limit) {
    return listLocks(tenant, prefix, "", limit).thenApply(LockPage::locks);
  }

  /** Live waiters of a lock, earliest deadline first. */
  CompletableFuture<List<WaiterView>> listWaiters(LockKey lock);

  /** Sessions of a tenant, live and recently expired. */
  CompletableFuture<List<SessionView>> listSessions(String tenant, int limit);

  /** Frees the lock whoever holds it; {@code expectedToken} 0 means any grant. */
  CompletableFuture<Forced> forceRelease(LockKey lock, long expectedToken);

  /** Drops a waiter entry (its wait ended without a grant). */
  CompletableFuture<Void> removeWaiter(LockKey lock, String sessionId, String owner);

  /** Counts session expiries once across instances and reads the gauges. */
  CompletableFuture<Housekeeping> housekeeping();

  /** Completes when the store answers; fails with UNAVAILABLE when it does not. */
  CompletableFuture<Void> ping();

  /**
   * Delivers the full name ({@code <tenant>/<name>}) of every lock released cleanly (by release, close or
   * force-release), on a store thread; the consumer must not block. Call once, before serving.
   */
  void onRelease(Consumer<String> fullName);

  /**
   * As {@link #onRelease}, with the member at the head of a fair lock's line that the release hands off to
   * ({@code "<session id> <owner>"}), or "" when any waiter may try; the default always says "". Call once
   * (instead of {@link #onRelease}), before serving.
   */
  default void onReleaseToHead(BiConsumer<String, String> fullNameAndHead) {
    onRelease(fullName -> fullNameAndHead.accept(fullName, ""));
  }

  /** A one-line description for logs, e.g. {@code redis://127.0.0.1:6379 (Redis 7.0.15)}. */
  String describe();

  /** Closes connections; pending futures fail. Idempotent. */
  @Override
  void close();

  /**
   * Deadlock detection of this store's waits (docs/deadlock.md): the shared wait-for graph and the victim rule, or
   * null when the store records no waits (the in-memory and independent-masters stores; or turned off).
   */
  default io.holdfast.internal.DeadlockCheck.Detection deadlocks() {
    return null;
  }
}
