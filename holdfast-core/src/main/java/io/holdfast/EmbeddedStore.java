package io.holdfast;

import io.holdfast.internal.HolderTable;
import io.holdfast.internal.LockTable;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.RenewRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/*
 * The in-process store behind the embedded backend: the shared LockTable (the Redis scripts' rules, step by step,
 * on the monotonic clock) under a name, plus release notifications per lock. All clients in one JVM that name the
 * same store share its locks. Why it is safe: every table method is atomic under the table's monitor; release
 * notifications are delivered on a separate thread, as pub/sub messages would be, never under the monitor.
 */
final class EmbeddedStore {
  private static final Map<String, EmbeddedStore> STORES = new ConcurrentHashMap<>();
  private static final ScheduledExecutorService SHARED = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "holdfast-embedded");
    thread.setDaemon(true);
    return thread;
  });

  private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
  private final LockTable table = new LockTable(this::publish);
  private final HolderTable holders = new HolderTable((space, name) -> publish(holdersChannel(space, name), ""));

  private EmbeddedStore() {
    SHARED.scheduleWithFixedDelay(() -> {
      table.sweep();
      holders.sweep();
    }, 1, 1, TimeUnit.SECONDS);
  }

  static EmbeddedStore named(String name) {
    return STORES.computeIfAbsent(name, n -> new EmbeddedStore());
  }

  /** {@code queueKeep}: null for the plain lock, else the fair mode's keep time of the caller's place in line. */
  AcquireOutcome tryAcquire(LockName name, OwnerToken owner, Duration ttl, long requestId, Duration queueKeep) {
    LockTable.Attempt attempt = table.acquire(name.value(), owner.value(), ttl, requestId, null, queueKeep);
    if (attempt instanceof LockTable.Granted granted) {
      return new AcquireOutcome.Granted(new FencingToken(granted.token()), granted.holds());
    }
    return new AcquireOutcome.Busy(((LockTable.Busy) attempt).remaining());
  }

  ReleaseOutcome release(LockName name, OwnerToken owner, FencingToken token, long requestId) {
    long holds = table.release(name.value(), owner.value(), token.value(), requestId);
    return holds < 0 ? new ReleaseOutcome.NotOwner() : new ReleaseOutcome.Released((int) holds);
  }

  List<Boolean> renew(List<RenewRequest> requests) {
    List<LockTable.Renewal> renewals = new ArrayList<>(requests.size());
    for (RenewRequest request : requests) {
      renewals.add(new LockTable.Renewal(request.name().value(), request.owner().value(),
          request.fencingToken().value(), request.ttl()));
    }
    return table.renew(renewals, null, 0);
  }

  Optional<LockState> inspect(LockName name) {
    return table.inspect(name.value()).map(view -> new LockState(name, new OwnerToken(view.owner()),
        new FencingToken(view.token()), view.holds(), view.remaining()));
  }

  /** {@code listener} gets the owner a fair release hands off to, or "" (release.lua's message). */
  Runnable subscribe(LockName name, Consumer<String> listener) {
    return subscribe(name.value(), listener);
  }

  /** The read/write lock's and the semaphore's rules (holdfast-redis's holder scripts, step by step). */
  HolderTable holders() {
    return holders;
  }

  /** Release notices of a read/write lock or a semaphore; braces keep them apart from lock names. */
  Runnable subscribe(HolderTable.Space space, LockName name, Runnable listener) {
    return subscribe(holdersChannel(space, name.value()), head -> listener.run());
  }

  private static String holdersChannel(HolderTable.Space space, String name) {
    return "{" + space + "}" + name;
  }

  private Runnable subscribe(String channel, Consumer<String> listener) {
    listeners.computeIfAbsent(channel, n -> new CopyOnWriteArrayList<>()).add(listener);
    return () -> listeners.computeIfPresent(channel, (n, list) -> {
      list.remove(listener);
      return list.isEmpty() ? null : list;
    });
  }

  int size() {
    return table.sweep() + holders.sweep();
  }

  private void publish(String name, String head) {
    List<Consumer<String>> targets = listeners.get(name);
    if (targets != null && !targets.isEmpty()) {
      SHARED.execute(() -> targets.forEach(target -> target.accept(head)));
    }
  }
}
