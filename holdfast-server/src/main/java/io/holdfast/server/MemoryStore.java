package io.holdfast.server;

import io.holdfast.internal.LockTable;
import io.holdfast.server.MemorySessions.Session;
import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.ClientFacts;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.Forced;
import io.holdfast.server.StoreViews.Granted;
import io.holdfast.server.StoreViews.Housekeeping;
import io.holdfast.server.StoreViews.KeepAliveResult;
import io.holdfast.server.StoreViews.LockPage;
import io.holdfast.server.StoreViews.LockView;
import io.holdfast.server.StoreViews.OpenedSession;
import io.holdfast.server.StoreViews.Renewal;
import io.holdfast.server.StoreViews.SessionView;
import io.holdfast.server.StoreViews.WaiterView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/*
 * The LockStore in this process's memory, for `holdfast server` without --redis: one instance, everything lost
 * on restart. Every lock rule is the shared LockTable's (holdfast-core, the Redis scripts' rules step by step, the
 * same engine as the library's embedded backend), called with the session's terms exactly as the Redis store
 * calls the scripts; sessions and waiter listings are kept here (MemorySessions). Each operation runs under this
 * object's monitor, which makes it atomic as a script is in Redis. Release notifications go out on their own
 * thread, as pub/sub messages would, never under the monitor.
 */
final class MemoryStore implements LockStore {
  private final LockTable table = new LockTable(this::publish);
  private final MemorySessions state = new MemorySessions();
  private final long retentionNanos;
  private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "holdfast-memory-store-releases");
    thread.setDaemon(true);
    return thread;
  });
  private volatile BiConsumer<String, String> releases = (name, head) -> { };

  MemoryStore(Duration retention) {
    this.retentionNanos = retention.toNanos();
  }

  @Override
  public CompletableFuture<OpenedSession> openSession(String tenant, String principal, String clientName,
      String host, Duration ttl, Duration lockDelay) {
    return atomically(() -> {
      Session session = new Session();
      session.tenant = tenant;
      session.principal = principal;
      session.clientName = clientName;
      session.client = new ClientFacts(host, Optional.empty());
      session.ttlNanos = ttl.toNanos();
      session.delayNanos = lockDelay.toNanos();
      session.expiresAt = System.nanoTime() + session.ttlNanos;
      String id = SessionIds.next();
      state.sessions.put(id, session);
      return new OpenedSession(id, ttl, lockDelay);
    });
  }

  /** As RedisKeepAlive: extend the session, renew the listed leases, carry the new expiry to every bound lock. */
  @Override
  public CompletableFuture<KeepAliveResult> keepAlive(SessionRef ref, List<Renewal> renewals,
      Optional<Duration> clockOffset) {
    return atomically(() -> {
      Session session = state.live(ref, System.nanoTime());
      clockOffset.ifPresent(offset -> session.client = new ClientFacts(session.client.host(), clockOffset));
      session.expiresAt = System.nanoTime() + session.ttlNanos;
      List<LockTable.Renewal> leases = new ArrayList<>(renewals.size());
      for (Renewal renewal : renewals) {
        leases.add(new LockTable.Renewal(renewal.lock().fullName(), renewal.owner(), renewal.token(),
            renewal.ttl()));
      }
      List<Boolean> renewed = table.renew(leases, ref.id(), session.expiresAt, session.principal);
      List<String> bound = new ArrayList<>(session.locks.keySet());
      List<LockTable.Renewal> carried = new ArrayList<>(bound.size());
      bound.forEach(name -> carried.add(new LockTable.Renewal(name, "", 0, Duration.ZERO)));
      List<Boolean> held = table.renew(carried, ref.id(), session.expiresAt);
      for (int i = 0; i < bound.size(); i++) {
        if (!held.get(i)) {
          session.locks.remove(bound.get(i));
        }
      }
      return new KeepAliveResult(Duration.ofNanos(session.ttlNanos), renewed, System.currentTimeMillis());
    });
  }

  @Override
  public CompletableFuture<Integer> closeSession(SessionRef ref) {
    return atomically(() -> {
      Session session = state.live(ref, System.nanoTime());
      int released = 0;
      for (String name : session.locks.keySet()) {
        released += table.force(name, 0, ref.id()) > 0 ? 1 : 0;
      }
      state.sessions.remove(ref.id());
      return released;
    });
  }

  @Override
  public CompletableFuture<AcquireResult> acquire(SessionRef ref, LockKey key, String owner, Duration leaseTtl,
      long requestId, Duration waiterListing) {
    return acquire(ref, key, owner, leaseTtl, requestId, waiterListing, null);
  }

  @Override
  public CompletableFuture<AcquireResult> acquire(SessionRef ref, LockKey key, String owner, Duration leaseTtl,
      long requestId, Duration waiterListing, Duration queueKeep) {
    return atomically(() -> {
      long now = System.nanoTime();
      String member = ref.id() + " " + owner;
      Map<String, Long> waiters = state.waitersOf(key.fullName());
      Session session;
      try {
        session = state.live(ref, now);
      } catch (ServiceException e) {
        waiters.remove(member);
        throw e;
      }
      LockTable.Attempt attempt = table.acquire(key.fullName(), owner, leaseTtl, requestId,
          new LockTable.Session(ref.id(), session.expiresAt, Duration.ofNanos(session.delayNanos),
              session.clientName, session.principal), queueKeep);
      if (attempt instanceof LockTable.Granted granted) {
        session.locks.put(key.fullName(), granted.token());
        waiters.remove(member);
        return new Granted(granted.token(), granted.holds());
      }
      if (attempt instanceof LockTable.Busy busy) {
        if (!waiterListing.isZero()) {
          waiters.put(member, now + waiterListing.toNanos());
        }
        return new Busy(busy.remaining(), busy.delayed());
      }
      waiters.remove(member);
      throw ServiceException.sessionExpired(ref.id());
    });
  }

  @Override
  public CompletableFuture<Integer> release(SessionRef ref, LockKey key, String owner, long token, long requestId) {
    return atomically(() -> {
      long holds = table.release(key.fullName(), owner, token, requestId, principalOf(ref));
      if (holds >= 0) {
        return (int) holds;
      }
      state.live(ref, System.nanoTime()); // as on Redis: owner, token and principal decide; the session explains
      throw ServiceException.releaseRefused(key.name(), owner, token);
    });
  }

  /**
   * As on Redis: the caller's right to the session is checked first, and the grant must carry the session's
   * principal. A session that is gone has no principal: the release is then refused and the session explains.
   */
  private String principalOf(SessionRef ref) {
    Session session = state.sessions.get(ref.id());
    if (session != null && session.tenant.equals(ref.tenant())) {
      ref.authorize(session.principal);
      return session.principal;
    }
    return "";
  }

  @Override
  public CompletableFuture<Boolean> giveBack(SessionRef ref, LockKey key, String owner, long token,
      long requestId) {
    return atomically(() -> table.undo(key.fullName(), owner, requestId));
  }

  @Override
  public CompletableFuture<Optional<LockView>> inspect(LockKey key) {
    return atomically(() -> table.inspect(key.fullName()).map(view -> view(key.name(), view)));
  }

  @Override
  public CompletableFuture<LockPage> listLocks(String tenant, String prefix, String after, int limit) {
    return atomically(() -> {
      List<LockView> views = table.list(tenant + "/" + prefix, after.isEmpty() ? "" : tenant + "/" + after,
          limit + 1).stream().map(view -> view(LockKey.nameWithin(tenant, view.name()), view)).toList();
      return views.size() > limit ? new LockPage(views.subList(0, limit), views.get(limit - 1).name())
          : new LockPage(views, "");
    });
  }

  @Override
  public CompletableFuture<List<WaiterView>> listWaiters(LockKey key) {
    return atomically(() -> {
      long now = System.nanoTime();
      List<WaiterView> out = new ArrayList<>();
      state.waitersOf(key.fullName()).entrySet().stream().filter(w -> w.getValue() - now > 0)
          .sorted(Map.Entry.comparingByValue()).forEach(w -> {
            String[] parts = w.getKey().split(" ", 2);
            Session session = state.sessions.get(parts[0]);
            out.add(new WaiterView(parts[0], parts[1], session == null ? "" : session.clientName,
                Duration.ofNanos(w.getValue() - now)));
          });
      return out;
    });
  }

  @Override
  public CompletableFuture<List<SessionView>> listSessions(String tenant, int limit) {
    return atomically(() -> state.views(tenant, limit, System.nanoTime()));
  }

  @Override
  public CompletableFuture<Map<String, ClientFacts>> clients(String tenant, Set<String> sessionIds) {
    return atomically(() -> state.clients(tenant, sessionIds));
  }

  @Override
  public CompletableFuture<Forced> forceRelease(LockKey key, long expectedToken) {
    return atomically(() -> {
      long freed = table.force(key.fullName(), expectedToken, "");
      if (freed < 0) {
        throw ServiceException.notOwner("lock '" + key.name() + "' is held under fencing token " + -freed
            + ", not " + expectedToken + "; nothing was changed");
      }
      return freed == 0 ? new Forced(false, 0) : new Forced(true, freed);
    });
  }

  @Override
  public CompletableFuture<Void> removeWaiter(LockKey key, String sessionId, String owner) {
    return atomically(() -> {
      state.waitersOf(key.fullName()).remove(sessionId + " " + owner);
      return null;
    });
  }

  @Override
  public CompletableFuture<Housekeeping> housekeeping() {
    return atomically(() -> {
      long now = System.nanoTime();
      long expired = state.expire(now, retentionNanos);
      return new Housekeeping(expired, state.active(now), table.sweep());
    });
  }

  @Override
  public CompletableFuture<Void> ping() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void onRelease(Consumer<String> fullName) {
    releases = (name, head) -> fullName.accept(name);
  }

  @Override
  public void onReleaseToHead(BiConsumer<String, String> fullNameAndHead) {
    releases = fullNameAndHead;
  }

  @Override
  public String describe() {
    return "embedded in-memory store (single node, lost on restart)";
  }

  @Override
  public void close() {
    notifier.shutdown();
  }

  private static LockView view(String name, LockTable.View view) {
    return new LockView(name, view.delayed(), view.owner(), view.token(), view.holds(), view.remaining(),
        view.sessionId(), view.acquiredAtMillis(), view.clientName());
  }

  private void publish(String fullName, String head) {
    try {
      notifier.execute(() -> releases.accept(fullName, head));
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // The store is closing; nobody is left to wake.
    }
  }

  private <T> CompletableFuture<T> atomically(Callable<T> step) {
    synchronized (this) {
      try {
        return CompletableFuture.completedFuture(step.call());
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
    }
  }
}
