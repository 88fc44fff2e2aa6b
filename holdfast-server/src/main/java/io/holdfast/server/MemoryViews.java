package io.holdfast.server;

import io.holdfast.server.MemoryTables.Lock;
import io.holdfast.server.MemoryTables.Session;
import io.holdfast.server.MemoryTables.State;
import io.holdfast.server.MemoryTables.Status;
import io.holdfast.server.StoreViews.LockView;
import io.holdfast.server.StoreViews.SessionView;
import io.holdfast.server.StoreViews.WaiterView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/*
 * The read-only views of the in-memory store (inspect and the admin listings), as list_locks.lua,
 * list_waiters.lua and list_sessions.lua compute them. Stateless: MemoryStore calls these under its monitor.
 */
final class MemoryViews {
  private MemoryViews() { }

  static Optional<LockView> view(String name, Status status) {
    if (status.state() == State.FREE) {
      return Optional.empty();
    }
    Lock lock = status.lock();
    return Optional.of(new LockView(name, status.state() == State.DELAYED, lock.owner, lock.token, lock.holds,
        Duration.ofMillis(status.remaining()), lock.sessionId, lock.acquiredAtWall, lock.clientName));
  }

  static List<LockView> locks(MemoryTables tables, String tenant, String prefix, int limit) {
    long now = MemoryTables.now();
    List<LockView> out = new ArrayList<>();
    String from = tenant + "/" + prefix;
    for (String name : tables.locks.tailMap(from, true).keySet()) {
      if (!name.startsWith(from) || out.size() >= limit) {
        break;
      }
      view(LockKey.nameWithin(tenant, name), tables.status(name, now)).ifPresent(out::add);
    }
    return out;
  }

  static List<WaiterView> waiters(MemoryTables tables, Map<String, Long> waiting) {
    long now = MemoryTables.now();
    List<WaiterView> out = new ArrayList<>();
    waiting.entrySet().stream().filter(w -> w.getValue() > now).sorted(Map.Entry.comparingByValue()).forEach(w -> {
      String[] parts = w.getKey().split(" ", 2);
      Session session = tables.sessions.get(parts[0]);
      out.add(new WaiterView(parts[0], parts[1], session == null ? "" : session.clientName,
          Duration.ofMillis(w.getValue() - now)));
    });
    return out;
  }

  static List<SessionView> sessions(MemoryTables tables, String tenant, int limit) {
    long now = MemoryTables.now();
    return tables.sessions.entrySet().stream().filter(e -> e.getValue().tenant.equals(tenant))
        .sorted(Map.Entry.comparingByKey()).limit(limit)
        .map(e -> new SessionView(e.getKey(), e.getValue().clientName, Duration.ofMillis(e.getValue().ttl),
            Duration.ofMillis(e.getValue().expiresAt - now), e.getValue().locks.size()))
        .toList();
  }
}
