package io.holdfast.server;

import io.holdfast.server.MemoryTables.Lock;
import io.holdfast.server.MemoryTables.Session;
import io.holdfast.server.MemoryTables.State;
import io.holdfast.server.MemoryTables.Status;
import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.Forced;
import io.holdfast.server.StoreViews.Granted;
import io.holdfast.server.StoreViews.Housekeeping;
import io.holdfast.server.StoreViews.KeepAliveResult;
import io.holdfast.server.StoreViews.LockView;
import io.holdfast.server.StoreViews.OpenedSession;
import io.holdfast.server.StoreViews.Renewal;
import io.holdfast.server.StoreViews.SessionView;
import io.holdfast.server.StoreViews.WaiterView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/*
 * The LockStore in this process's memory, for `holdfast server` without --redis: one instance, everything lost
 * on restart. Each operation runs under this object's monitor, which makes it atomic exactly as a Lua script
 * is in Redis, and follows the script of the same name step by step (tables and state rule in MemoryTables).
 * Release notifications go out on their own thread, as pub/sub messages would, never under the monitor.
 */
final class MemoryStore implements LockStore {
  private final MemoryTables tables = new MemoryTables();
  private final long retention;
  private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "holdfast-memory-store-releases");
    thread.setDaemon(true);
    return thread;
  });
  private volatile Consumer<String> releases = name -> { };

  MemoryStore(Duration retention) {
    this.retention = retention.toMillis();
  }

  @Override
  public CompletableFuture<OpenedSession> openSession(String tenant, String clientName, Duration ttl,
      Duration lockDelay) {
    return atomically(() -> {
      Session session = new Session();
      session.tenant = tenant;
      session.clientName = clientName;
      session.ttl = ttl.toMillis();
      session.delay = lockDelay.toMillis();
      session.expiresAt = MemoryTables.now() + session.ttl;
      String id = SessionIds.next();
      tables.sessions.put(id, session);
      return new OpenedSession(id, ttl, lockDelay);
    });
  }

  @Override
  public CompletableFuture<KeepAliveResult> keepAlive(SessionRef ref, List<Renewal> renewals) {
    return atomically(() -> {
      long now = MemoryTables.now();
      Session session = tables.live(ref, now);
      session.expiresAt = now + session.ttl;
      List<Boolean> renewed = new ArrayList<>(renewals.size());
      for (Renewal renewal : renewals) {
        Status status = tables.status(renewal.lock().fullName(), now);
        boolean ok = status.state() == State.HELD && status.lock().owner.equals(renewal.owner())
            && status.lock().token == renewal.token();
        if (ok) {
          status.lock().leaseDeadline = now + renewal.ttl().toMillis();
        }
        renewed.add(ok);
      }
      session.locks.entrySet().removeIf(bound -> {
        Lock lock = tables.locks.get(bound.getKey());
        return lock == null || lock.token != bound.getValue() || !ref.id().equals(lock.sessionId)
            || (lock.leaseDeadline > 0 && lock.leaseDeadline <= now);
      });
      return new KeepAliveResult(Duration.ofMillis(session.ttl), renewed);
    });
  }

  @Override
  public CompletableFuture<Integer> closeSession(SessionRef ref) {
    return atomically(() -> {
      Session session = tables.live(ref, MemoryTables.now());
      List<String> released = new ArrayList<>();
      session.locks.forEach((name, token) -> {
        Lock lock = tables.locks.get(name);
        if (lock != null && lock.token == token && ref.id().equals(lock.sessionId)) {
          tables.locks.remove(name);
          released.add(name);
        }
      });
      tables.sessions.remove(ref.id());
      released.forEach(this::publish);
      return released.size();
    });
  }

  @Override
  public CompletableFuture<AcquireResult> acquire(SessionRef ref, LockKey key, String owner, Duration leaseTtl,
      long requestId, Duration waiterListing) {
    return atomically(() -> {
      long now = MemoryTables.now();
      String member = ref.id() + " " + owner;
      Session session;
      try {
        session = tables.live(ref, now);
      } catch (ServiceException e) {
        waitersOf(key).remove(member);
        throw e;
      }
      Status status = tables.status(key.fullName(), now);
      if (status.state() == State.HELD && status.lock().owner.equals(owner)) {
        return reenter(status.lock(), leaseTtl, requestId, now, key, member);
      }
      if (status.state() != State.FREE) {
        if (!waiterListing.isZero()) {
          waitersOf(key).put(member, now + waiterListing.toMillis());
        }
        return new Busy(Duration.ofMillis(status.remaining()), status.state() == State.DELAYED);
      }
      return grant(ref, session, key, owner, leaseTtl, requestId, now, member);
    });
  }

  private AcquireResult reenter(Lock lock, Duration leaseTtl, long requestId, long now, LockKey key,
      String member) {
    if (lock.requestId != requestId) {
      lock.holds++;
      lock.requestId = requestId;
      if (!leaseTtl.isZero() && lock.leaseDeadline > 0) {
        lock.leaseDeadline = Math.max(lock.leaseDeadline, now + leaseTtl.toMillis());
      }
    }
    waitersOf(key).remove(member);
    return new Granted(lock.token, lock.holds);
  }

  private AcquireResult grant(SessionRef ref, Session session, LockKey key, String owner, Duration leaseTtl,
      long requestId, long now, String member) {
    Lock lock = new Lock();
    lock.owner = owner;
    lock.token = Math.max(tables.fence + 1, System.currentTimeMillis() * 1000);
    tables.fence = lock.token;
    lock.holds = 1;
    lock.requestId = requestId;
    lock.sessionId = ref.id();
    lock.leaseDeadline = leaseTtl.isZero() ? 0 : now + leaseTtl.toMillis();
    lock.acquiredAtWall = System.currentTimeMillis();
    lock.clientName = session.clientName;
    tables.locks.put(key.fullName(), lock);
    session.locks.put(key.fullName(), lock.token);
    waitersOf(key).remove(member);
    return new Granted(lock.token, 1);
  }

  @Override
  public CompletableFuture<Integer> release(SessionRef ref, LockKey key, String owner, long token, long requestId) {
    return atomically(() -> {
      long now = MemoryTables.now(); // as on Redis: owner and token decide; the session explains a refusal
      Status status = tables.status(key.fullName(), now);
      Lock lock = status.lock();
      if (status.state() != State.HELD || !lock.owner.equals(owner) || lock.token != token) {
        tables.live(ref, now);
        throw ServiceException.notOwner("lock '" + key.name() + "' is not held by owner " + owner
            + " under fencing token " + token + " (it expired, is in lock-delay, was force-released or taken);"
            + " nothing was changed");
      }
      if (lock.requestId == requestId) {
        return lock.holds;
      }
      lock.requestId = requestId;
      if (--lock.holds > 0) {
        return lock.holds;
      }
      free(key.fullName(), lock);
      return 0;
    });
  }

  @Override
  public CompletableFuture<Optional<LockView>> inspect(LockKey key) {
    return atomically(() -> MemoryViews.view(key.name(), tables.status(key.fullName(), MemoryTables.now())));
  }

  @Override
  public CompletableFuture<List<LockView>> listLocks(String tenant, String prefix, int limit) {
    return atomically(() -> MemoryViews.locks(tables, tenant, prefix, limit));
  }

  @Override
  public CompletableFuture<List<WaiterView>> listWaiters(LockKey key) {
    return atomically(() -> MemoryViews.waiters(tables, waitersOf(key)));
  }

  @Override
  public CompletableFuture<List<SessionView>> listSessions(String tenant, int limit) {
    return atomically(() -> MemoryViews.sessions(tables, tenant, limit));
  }

  @Override
  public CompletableFuture<Forced> forceRelease(LockKey key, long expectedToken) {
    return atomically(() -> {
      Status status = tables.status(key.fullName(), MemoryTables.now());
      if (status.state() == State.FREE) {
        tables.locks.remove(key.fullName());
        return new Forced(false, 0);
      }
      if (expectedToken != 0 && status.lock().token != expectedToken) {
        throw ServiceException.notOwner("lock '" + key.name() + "' is held under fencing token "
            + status.lock().token + ", not " + expectedToken + "; nothing was changed");
      }
      free(key.fullName(), status.lock());
      return new Forced(true, status.lock().token);
    });
  }

  @Override
  public CompletableFuture<Void> removeWaiter(LockKey key, String sessionId, String owner) {
    return atomically(() -> {
      waitersOf(key).remove(sessionId + " " + owner);
      return null;
    });
  }

  @Override
  public CompletableFuture<Housekeeping> housekeeping() {
    return atomically(() -> tables.housekeeping(MemoryTables.now(), retention));
  }

  @Override
  public CompletableFuture<Void> ping() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void onRelease(Consumer<String> fullName) {
    releases = fullName;
  }

  @Override
  public String describe() {
    return "embedded in-memory store (single node, lost on restart)";
  }

  @Override
  public void close() {
    notifier.shutdown();
  }

  private void free(String fullName, Lock lock) {
    tables.locks.remove(fullName);
    Session holder = tables.sessions.get(lock.sessionId);
    if (holder != null) {
      holder.locks.remove(fullName);
    }
    publish(fullName);
  }

  private Map<String, Long> waitersOf(LockKey key) {
    return tables.waiters.computeIfAbsent(key.fullName(), k -> new HashMap<>());
  }

  private void publish(String fullName) {
    try {
      notifier.execute(() -> releases.accept(fullName));
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
