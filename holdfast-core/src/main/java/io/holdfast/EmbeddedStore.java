package io.holdfast;

import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.RenewRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/*
 * The in-process lock table behind the embedded backend, with the same semantics as the Redis scripts: leases
 * timed on the monotonic clock (the embedded "server clock"), one fencing counter per store that never goes back,
 * re-entry per owner, idempotent request ids, and release notifications. Every method that reads or changes the
 * table holds the store's monitor, which makes each one atomic exactly as a Lua script is in Redis. Release
 * notifications are delivered on a separate thread, as pub/sub messages would be, never under the monitor.
 */
final class EmbeddedStore {
  private static final Map<String, EmbeddedStore> STORES = new ConcurrentHashMap<>();
  private static final ScheduledExecutorService SHARED = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "holdfast-embedded");
    thread.setDaemon(true);
    return thread;
  });

  private static final class Entry {
    OwnerToken owner;
    long token;
    int count;
    long lastRequestId;
    long expiresAtNanos;
  }

  private final Map<LockName, Entry> locks = new HashMap<>();
  private final Map<LockName, List<Runnable>> listeners = new ConcurrentHashMap<>();
  private long fence;

  private EmbeddedStore() {
    SHARED.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
  }

  static EmbeddedStore named(String name) {
    return STORES.computeIfAbsent(name, n -> new EmbeddedStore());
  }

  synchronized AcquireOutcome tryAcquire(LockName name, OwnerToken owner, Duration ttl, long requestId) {
    long now = System.nanoTime();
    Entry entry = live(name, now);
    if (entry == null) {
      entry = new Entry();
      entry.owner = owner;
      entry.token = ++fence;
      entry.count = 1;
      entry.lastRequestId = requestId;
      entry.expiresAtNanos = now + ttl.toNanos();
      locks.put(name, entry);
      return new AcquireOutcome.Granted(new FencingToken(entry.token), 1);
    }
    if (!entry.owner.equals(owner)) {
      return new AcquireOutcome.Busy(Duration.ofNanos(entry.expiresAtNanos - now));
    }
    if (entry.lastRequestId != requestId) {
      entry.count++;
      entry.lastRequestId = requestId;
      entry.expiresAtNanos = Math.max(entry.expiresAtNanos - now, ttl.toNanos()) + now;
    }
    return new AcquireOutcome.Granted(new FencingToken(entry.token), entry.count);
  }

  ReleaseOutcome release(LockName name, OwnerToken owner, FencingToken token, long requestId) {
    ReleaseOutcome outcome;
    synchronized (this) {
      Entry entry = live(name, System.nanoTime());
      if (entry == null || !entry.owner.equals(owner) || entry.token != token.value()) {
        return new ReleaseOutcome.NotOwner();
      }
      if (entry.lastRequestId == requestId) {
        return new ReleaseOutcome.Released(entry.count);
      }
      entry.lastRequestId = requestId;
      if (--entry.count > 0) {
        return new ReleaseOutcome.Released(entry.count);
      }
      locks.remove(name);
      outcome = new ReleaseOutcome.Released(0);
    }
    publish(name);
    return outcome;
  }

  synchronized List<Boolean> renew(List<RenewRequest> requests) {
    long now = System.nanoTime();
    List<Boolean> results = new ArrayList<>(requests.size());
    for (RenewRequest request : requests) {
      Entry entry = live(request.name(), now);
      boolean held = entry != null && entry.owner.equals(request.owner())
          && entry.token == request.fencingToken().value();
      if (held) {
        entry.expiresAtNanos = now + request.ttl().toNanos();
      }
      results.add(held);
    }
    return results;
  }

  synchronized Optional<LockState> inspect(LockName name) {
    long now = System.nanoTime();
    Entry entry = live(name, now);
    if (entry == null) {
      return Optional.empty();
    }
    return Optional.of(new LockState(name, entry.owner, new FencingToken(entry.token), entry.count,
        Duration.ofNanos(entry.expiresAtNanos - now)));
  }

  Runnable subscribe(LockName name, Runnable listener) {
    listeners.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(listener);
    return () -> listeners.computeIfPresent(name, (n, list) -> {
      list.remove(listener);
      return list.isEmpty() ? null : list;
    });
  }

  synchronized int size() {
    return locks.size();
  }

  private Entry live(LockName name, long now) {
    Entry entry = locks.get(name);
    if (entry != null && now - entry.expiresAtNanos >= 0) {
      locks.remove(name);
      return null;
    }
    return entry;
  }

  private void publish(LockName name) {
    List<Runnable> targets = listeners.get(name);
    if (targets != null && !targets.isEmpty()) {
      SHARED.execute(() -> targets.forEach(Runnable::run));
    }
  }

  private synchronized void sweep() {
    long now = System.nanoTime();
    for (Iterator<Entry> it = locks.values().iterator(); it.hasNext(); ) {
      if (now - it.next().expiresAtNanos >= 0) {
        it.remove();
      }
    }
  }
}
