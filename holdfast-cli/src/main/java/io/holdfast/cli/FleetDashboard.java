package io.holdfast.cli;

import io.holdfast.Holdfast;
import io.holdfast.LockState;
import io.holdfast.redis.KeySpace;
import io.holdfast.server.DashboardSource;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/*
 * The dashboard of a library-only fleet, read from one Redis server directly (holdfast dashboard --redis). Why it
 * stays cheap with 10,000 held locks: a page is one SCAN walk from the page's cursor that stops once it has `limit`
 * lock keys or after MAX_SCANS calls, so a refresh never reads the whole keyspace; each lock found is read with the
 * library's own inspect (inspect.lua, the one home of the lock state rule) plus its waiter counts. Connected clients
 * (CLIENT LIST) stand in for sessions: a library client names its connection (HoldfastOptions.clientName). All
 * commands run on one thread in order (the executor given), so the synchronous connection is never shared.
 */
final class FleetDashboard implements DashboardSource {
  static final int MAX_SCANS = 20;
  static final int HOT = 10;
  static final int CLIENTS = 50;
  static final List<String> GAPS = List.of(
      "Holder: a library grant records only its owner token and fencing token; client name, session and"
          + " held-for are known only for locks taken through the lock service.",
      "Waiters: a library client waits on a release message and leaves no trace in Redis, so only fair-mode"
          + " waiters (their line) and the lock service's waiters are counted, without how long they have waited.",
      "Sessions: a library-only fleet has none; the clients connected to this Redis are listed instead, with the"
          + " time since each last sent a command.",
      "Events: lease losses happen in the clients (meter holdfast.lease.lost), not in Redis; this view sees none.",
      "Clock offset: each client measures its own (gauge holdfast.clock.offset in its meter registry); Redis is"
          + " not told it.",
      "Only plain locks are listed (not read/write locks or semaphores); one Redis server only (not Sentinel,"
          + " Cluster or independent masters).");

  private final Holdfast holdfast;
  private final RedisCommands<String, String> redis;
  private final KeySpace keys;
  private final String keyPrefix;
  private final String describe;
  private final ExecutorService thread;

  FleetDashboard(Holdfast holdfast, RedisCommands<String, String> redis, String keyPrefix, String describe,
      ExecutorService thread) {
    this.holdfast = holdfast;
    this.redis = redis;
    this.keys = KeySpace.of(keyPrefix, false);
    this.keyPrefix = keyPrefix;
    this.describe = describe;
    this.thread = thread;
  }

  @Override
  public CompletableFuture<Map<String, Object>> snapshot(String tenant, String prefix, String cursor, int limit) {
    return CompletableFuture.supplyAsync(() -> read(prefix, cursor, limit), thread);
  }

  private Map<String, Object> read(String prefix, String cursor, int limit) {
    List<String> found = new ArrayList<>();
    ScanCursor at = cursor.isEmpty() ? ScanCursor.INITIAL : ScanCursor.of(cursor);
    ScanArgs args = ScanArgs.Builder.matches(keyPrefix + ":{" + glob(prefix) + "*").limit(limit);
    for (int scans = 0; scans < MAX_SCANS && found.size() < limit && !at.isFinished(); scans++) {
      KeyScanCursor<String> page = redis.scan(at, args);
      page.getKeys().stream().filter(FleetDashboard::isLockKey).forEach(found::add);
      at = page;
    }
    List<String> time = redis.time();
    long now = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    List<Map<String, Object>> locks = new ArrayList<>();
    for (String key : found.stream().sorted().toList()) {
      lock(keys.nameOfLockKey(key), now).ifPresent(locks::add);
    }
    List<Map<String, Object>> hot = locks.stream().filter(l -> (int) l.get("waiters") > 0)
        .sorted(Comparator.comparingInt((Map<String, Object> l) -> (int) l.get("waiters")).reversed())
        .limit(HOT).map(l -> Map.<String, Object>of("name", l.get("name"), "waiters", l.get("waiters"),
            "longestWaitMs", -1)).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", "Redis " + describe + " read directly (key prefix '" + keyPrefix + "')");
    out.put("now", System.currentTimeMillis());
    out.put("locks", locks);
    out.put("lockCount", -1);
    out.put("nextCursor", at.isFinished() ? "" : at.getCursor());
    out.put("hot", hot);
    out.put("waiters", hot.stream().flatMap(h -> waiters((String) h.get("name"), now).stream()).toList());
    out.put("sessions", clients());
    out.put("events", List.of());
    out.put("clocks", List.of());
    out.put("gaps", GAPS);
    return out;
  }

  private Optional<Map<String, Object>> lock(String name, long now) {
    Optional<LockState> state = holdfast.inspect(name);
    if (state.isEmpty()) {
      return Optional.empty();
    }
    // The lock service's session fields (lockstate.lua): session id, acquired-at (Redis ms), client name.
    List<String> session = redis.hmget(keys.lockKey(name), "s", "a", "n").stream()
        .map(v -> v.getValueOrElse("")).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("state", "held");
    out.put("owner", state.get().owner().value());
    out.put("token", state.get().fencingToken().toString());
    out.put("holds", state.get().holdCount());
    out.put("sessionId", session.get(0));
    out.put("clientName", session.get(2));
    out.put("host", "");
    out.put("heldForMs", session.get(1).isEmpty() ? -1 : Math.max(0, now - Long.parseLong(session.get(1))));
    out.put("remainingMs", state.get().remainingTtl().toMillis());
    out.put("waiters", (int) (redis.zcount(keys.waitersKey(name), Range.create((double) now, Double.MAX_VALUE))
        + redis.zcount(keys.queueDeadlinesKey(name), Range.create((double) now, Double.MAX_VALUE))));
    return Optional.of(out);
  }

  private List<Map<String, Object>> waiters(String name, long now) {
    List<Map<String, Object>> out = new ArrayList<>();
    List<ScoredValue<String>> listed = new ArrayList<>(redis.zrangebyscoreWithScores(keys.waitersKey(name),
        Range.create((double) now, Double.MAX_VALUE)));
    listed.addAll(redis.zrangebyscoreWithScores(keys.queueDeadlinesKey(name), Range.create((double) now,
        Double.MAX_VALUE)));
    for (ScoredValue<String> waiter : listed) {
      String[] member = waiter.getValue().split(" ", 2);
      out.add(Map.of("lock", name, "sessionId", member.length == 2 ? member[0] : "", "clientName",
          member.length == 2 ? "" : "owner " + member[0], "waitedMs", -1,
          "remainingMs", (long) waiter.getScore() - now));
    }
    return out;
  }

  /* Named connections from CLIENT LIST ("id=7 addr=10.0.0.5:51234 ... name=billing age=9 idle=0 ..."). */
  private List<Map<String, Object>> clients() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : redis.clientList().split("\n")) {
      Map<String, String> fields = new LinkedHashMap<>();
      for (String field : line.trim().split(" ")) {
        int eq = field.indexOf('=');
        if (eq > 0) {
          fields.put(field.substring(0, eq), field.substring(eq + 1));
        }
      }
      String name = fields.getOrDefault("name", "");
      if (!name.isEmpty() && out.size() < CLIENTS) {
        String addr = fields.getOrDefault("addr", "");
        out.add(Map.of("id", "connection " + fields.getOrDefault("id", "?"), "clientName", name,
            "host", addr.contains(":") ? addr.substring(0, addr.lastIndexOf(':')) : addr,
            "keepAliveAgeMs", Long.parseLong(fields.getOrDefault("idle", "0")) * 1000, "remainingMs", -1,
            "locks", -1));
      }
    }
    return out;
  }

  /* A lock key is <prefix>:{<name>} exactly; the lock's other keys (:waiters, :queue, :rw...) follow the brace. */
  static boolean isLockKey(String key) {
    return key.indexOf('}') == key.length() - 1;
  }

  /* SCAN's MATCH is a glob: a name prefix must match itself only. */
  static String glob(String prefix) {
    return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
  }
}
