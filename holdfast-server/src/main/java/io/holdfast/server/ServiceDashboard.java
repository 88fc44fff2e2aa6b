package io.holdfast.server;

import com.linecorp.armeria.server.ServerBuilder;
import io.holdfast.server.StoreViews.ClientFacts;
import io.holdfast.server.StoreViews.LockPage;
import io.holdfast.server.StoreViews.LockView;
import io.holdfast.server.StoreViews.SessionView;
import io.holdfast.server.StoreViews.WaiterView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/*
 * The lock service's dashboard source: the admin views it already serves (LockStore.listLocks, listWaiters,
 * listSessions, the same reads as AdminService), this instance's wait room for contention, and the events its
 * calls saw. Why it stays cheap with 10,000 held locks: one snapshot reads at most `limit` locks of the listing
 * index (RedisViews bounds what it examines), the waiters of at most HOT locks and at most SESSIONS sessions;
 * nothing scans the keyspace. Only an admin of a tenant sees it, and only that tenant's locks. Stateless.
 */
final class ServiceDashboard implements DashboardSource {
  /** Locks whose waiters are listed from the store per snapshot, most contended first. */
  static final int HOT = 10;
  static final int SESSIONS = 50;
  static final int EVENTS = 50;
  static final List<String> GAPS = List.of(
      "Host and clock offset are what each client reported (its host name at open, the offset of its wall clock"
          + " from the store's clock it measured at keep-alives); clients other than the Java client may report"
          + " neither, and a holder's host is shown for the locks of sessions that are still known.",
      "Waiter counts and wait times are this instance's waiting acquires; other instances' waiters of the hottest"
          + " locks are listed with their listing deadline only.",
      "Events are the lease losses and forced releases this instance answered since it started.");

  private final LockStore store;
  private final WaitRoom room;
  private final DashboardEvents events;

  ServiceDashboard(LockStore store, WaitRoom room, DashboardEvents events) {
    this.store = store;
    this.room = room;
    this.events = events;
  }

  /** Adds /dashboard to the service: readable by an admin token of a tenant (anyone while auth is off). */
  static ServerBuilder mount(ServerBuilder builder, ServerConfig config, LockStore store, WaitRoom room,
      Calls calls, ServiceMetrics metrics) {
    Authenticator authenticator = new Authenticator(config.tokens(), metrics);
    return DashboardService.mount(builder, new ServiceDashboard(store, room, calls.events()), header -> {
      Principal principal;
      try {
        principal = authenticator.authenticate(header);
      } catch (ServiceException e) {
        metrics.authFailure();
        throw e;
      }
      Authenticator.requireAdmin(principal, "the dashboard");
      return principal.tenant();
    });
  }

  @Override
  public CompletableFuture<Map<String, Object>> snapshot(String tenant, String prefix, String cursor, int limit) {
    List<WaitRoom.Waits> waits = room.waits().stream()
        .filter(w -> LockKey.nameWithin(tenant, w.fullName()) != null).toList();
    Map<String, Integer> waitersByName = new HashMap<>();
    waits.forEach(w -> waitersByName.put(LockKey.nameWithin(tenant, w.fullName()), w.waiters()));
    List<WaitRoom.Waits> hot = waits.subList(0, Math.min(HOT, waits.size()));
    long now = System.currentTimeMillis();
    CompletableFuture<LockPage> locks = Errors.started(() -> store.listLocks(tenant, prefix, cursor, limit));
    CompletableFuture<Map<String, ClientFacts>> holders = locks.thenCompose(page -> store.holders(tenant,
        page.locks()));
    CompletableFuture<List<SessionView>> sessions = Errors.started(() -> store.listSessions(tenant, SESSIONS));
    CompletableFuture<List<Map<String, Object>>> waiters = hotWaiters(tenant, hot);
    return locks.thenCombine(sessions, (page, sessionViews) -> {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("source", "lock service, tenant '" + tenant + "', store " + store.describe());
      out.put("now", now);
      out.put("locks", page.locks().stream().map(view -> lock(view, now, waitersByName)).toList());
      out.put("lockCount", -1);
      out.put("nextCursor", page.next());
      out.put("hot", hot.stream().map(w -> Map.<String, Object>of("name", LockKey.nameWithin(tenant, w.fullName()),
          "waiters", w.waiters(), "longestWaitMs", w.longest().toMillis())).toList());
      out.put("sessions", sessionViews.stream().map(ServiceDashboard::session).toList());
      out.put("events", events.recent(tenant, EVENTS).stream().map(e -> Map.<String, Object>of("atMs", e.atMillis(),
          "kind", e.kind(), "lock", e.lock(), "detail", e.detail())).toList());
      out.put("clocks", sessionViews.stream().filter(view -> view.client().clockOffset().isPresent())
          .map(ServiceDashboard::clock).toList());
      out.put("gaps", GAPS);
      return out;
    }).thenCombine(waiters, (out, listed) -> {
      out.put("waiters", listed);
      return out;
    }).thenCombine(holders, (out, clients) -> {
      hosts(out, clients);
      return out;
    });
  }

  private CompletableFuture<List<Map<String, Object>>> hotWaiters(String tenant, List<WaitRoom.Waits> hot) {
    List<CompletableFuture<List<Map<String, Object>>>> each = new ArrayList<>();
    for (WaitRoom.Waits w : hot) {
      String name = LockKey.nameWithin(tenant, w.fullName());
      each.add(Errors.started(() -> store.listWaiters(new LockKey(tenant, name))).thenApply(list -> list.stream()
          .map(view -> waiter(name, view)).toList()));
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(done -> each.stream()
        .flatMap(f -> f.join().stream()).toList());
  }

  private static Map<String, Object> lock(LockView view, long now, Map<String, Integer> waitersByName) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", view.name());
    out.put("state", view.delayed() ? "delayed" : "held");
    out.put("owner", view.owner());
    out.put("token", String.valueOf(view.token()));
    out.put("holds", view.holds());
    out.put("sessionId", view.sessionId());
    out.put("clientName", view.clientName());
    out.put("host", "");
    out.put("heldForMs", view.acquiredAtMillis() == 0 ? -1 : Math.max(0, now - view.acquiredAtMillis()));
    out.put("remainingMs", view.remaining().toMillis());
    out.put("waiters", waitersByName.getOrDefault(view.name(), 0));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void hosts(Map<String, Object> out, Map<String, ClientFacts> clients) {
    for (Map<String, Object> lock : (List<Map<String, Object>>) out.get("locks")) {
      lock.put("host", clients.getOrDefault((String) lock.get("sessionId"), ClientFacts.UNKNOWN).host());
    }
  }

  private static Map<String, Object> clock(SessionView view) {
    String host = view.client().host().isEmpty() ? "" : " on " + view.client().host();
    return Map.of("client", view.clientName() + host + " (session " + view.id() + ")", "offsetMs",
        Math.round(view.client().clockOffset().orElseThrow().toNanos() / 100_000.0) / 10.0);
  }

  private static Map<String, Object> waiter(String lock, WaiterView view) {
    return Map.of("lock", lock, "sessionId", view.sessionId(), "clientName", view.clientName(), "waitedMs", -1,
        "remainingMs", view.remaining().toMillis());
  }

  private static Map<String, Object> session(SessionView view) {
    long remaining = view.remaining().toMillis();
    return Map.of("id", view.id(), "clientName", view.clientName(), "host", view.client().host(),
        "keepAliveAgeMs", remaining > 0 ? view.ttl().toMillis() - remaining : -1, "remainingMs", remaining,
        "locks", view.lockCount());
  }
}
