package io.holdfast.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Not an API: the shared wait-for graph deadlock detection reads and writes (one implementation, on Redis, used by
 * the library's Redis backend and the lock service alike). Nodes are parties (an owner token's value for the library,
 * {@code "<session id> <owner>"} in the lock service) and lock names; a party waits for locks (edges it records for
 * as long as it waits), a lock is held by at most one party (read from the lock itself, so a hold never needs an
 * edge of its own). Every call may fail; the caller treats a failed call as "nothing known" and checks again later.
 */
public interface WaitForGraph {
  /**
   * A recorded wait.
   *
   * @param lock the lock waited for
   * @param startMicros when the wait was first recorded, in the graph's clock (microseconds); a refresh keeps it
   */
  record Edge(String lock, long startMicros) { }

  /**
   * Records (or refreshes) that {@code party} waits for {@code lock}; the edge disappears by itself after
   * {@code keep} unless refreshed, so a crashed waiter's edge does not outlive its wait.
   *
   * @return the edge's start, unchanged by a refresh
   */
  CompletableFuture<Long> record(String party, String lock, Duration keep);

  /** Removes the edge; removing one that is gone is fine. */
  CompletableFuture<Void> remove(String party, String lock);

  /** The live edges of {@code party}: the locks it waits for now. */
  CompletableFuture<List<Edge>> waits(String party);

  /** The party holding {@code lock} now, empty when it is free or not held by anyone live (a lock-delay). */
  CompletableFuture<Optional<String>> holder(String lock);
}
