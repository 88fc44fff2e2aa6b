package io.holdfast.server;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where a dashboard's picture of the fleet comes from: the lock service's own store ({@link HoldfastServer} serves
 * it on {@code /dashboard}) or Redis read directly for library-only fleets ({@code holdfast dashboard --redis}).
 *
 * <p>A snapshot is a JSON-ready tree (maps with string keys, lists, strings, numbers, booleans) with the keys the
 * page reads: {@code source}, {@code now} (epoch ms), {@code locks} (each: name, state, owner, token, holds,
 * sessionId, clientName, host, heldForMs (-1 unknown), remainingMs, waiters (-1 unknown)), {@code lockCount}
 * (held locks in all, -1 unknown), {@code nextCursor} ("" on the last page), {@code hot} (name, waiters,
 * longestWaitMs), {@code waiters} (lock, sessionId, clientName, waitedMs (-1 unknown), remainingMs),
 * {@code sessions} (id, clientName, host, keepAliveAgeMs, remainingMs, locks), {@code events} (atMs, kind, lock,
 * detail), {@code clocks} (client, offsetMs) and {@code gaps} (sentences naming what this source cannot show).
 *
 * <p>Cost: a snapshot must be bounded by {@code limit}, never by the size of the keyspace: a page refreshes it
 * every second for every open dashboard.
 */
public interface DashboardSource {
  /** The largest page of locks a snapshot returns, whatever is asked. */
  int MAX_LIMIT = 200;

  /**
   * One picture of the tenant's locks.
   *
   * @param tenant the tenant the caller may see (the open tenant without authentication)
   * @param prefix only locks whose names start with this ("" for all)
   * @param cursor where the page starts: "" for the first page, else a previous snapshot's {@code nextCursor}
   * @param limit locks per page, 1 to {@link #MAX_LIMIT}
   * @return the snapshot; fails with a {@link io.holdfast.HoldfastException} when the store does not answer
   */
  CompletableFuture<Map<String, Object>> snapshot(String tenant, String prefix, String cursor, int limit);
}
