package io.holdfast.internal;

import io.holdfast.WaitCycle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/*
 * THE cycle rule of Holdfast, written once: a wait of party R for lock L closes a cycle iff, following
 * "L is held by P, P waits for L'", some path from L reaches a lock R holds, i.e. reaches R again. The search is
 * breadth-first over the shared graph, one level per step: the holders of the frontier's locks (read in parallel),
 * then the waits of the parties not seen before (in parallel). Every party is expanded once, so it ends after at
 * most as many levels as there are parties, and it gives up (reports nothing) past MAX_PARTIES: a bound on the
 * Redis calls one check may make, not a correctness condition, since a missed cycle only means waits run out as
 * they would without detection. Each read is of one key, so the walk works on every Redis topology, Cluster
 * included, where a single script could not reach keys in many slots.
 *
 * Why it cannot report a cycle that does not exist at the time of each read: every edge it follows was read live
 * (a wait still recorded, a lock still held), so the reported path existed piecewise during the search. Pieces read
 * at different instants may no longer co-exist (a member's session expired meanwhile): the victim rule is therefore
 * applied by a member about itself only after its own fresh search, and a cycle gone by then is not reported.
 */
/** Not an API: the search for a cycle through one wait in a {@link WaitForGraph}. */
public final class CycleSearch {
  /** The most parties (and as many locks) one search expands before it gives up. */
  public static final int MAX_PARTIES = 256;
  /** Locks share the seen set with parties under this prefix (a party name never starts with a space). */
  private static final String LOCK = " lock ";

  /** A path of waits from the requester, each step with the start of its wait. */
  private record Path(List<WaitCycle.Step> steps, List<Long> starts, String lastLock) {
    Path then(String party, WaitForGraph.Edge edge) {
      List<WaitCycle.Step> nextSteps = new ArrayList<>(steps);
      nextSteps.add(new WaitCycle.Step(party, edge.lock()));
      List<Long> nextStarts = new ArrayList<>(starts);
      nextStarts.add(edge.startMicros());
      return new Path(nextSteps, nextStarts, edge.lock());
    }
  }

  /**
   * A found cycle with the start of each step's wait (same order as the steps).
   *
   * @param cycle the cycle, its first step the requester's wait
   * @param startMicros when each step's wait started
   */
  public record Found(WaitCycle cycle, List<Long> startMicros) {
    /** The party the {@link io.holdfast.DeadlockVictim#YOUNGEST} rule picks: latest start, then largest name. */
    public String youngest() {
      int best = 0;
      for (int i = 1; i < startMicros.size(); i++) {
        long start = startMicros.get(i);
        long bestStart = startMicros.get(best);
        String owner = cycle.steps().get(i).owner();
        if (start > bestStart || (start == bestStart && owner.compareTo(cycle.steps().get(best).owner()) > 0)) {
          best = i;
        }
      }
      return cycle.steps().get(best).owner();
    }
  }

  private final WaitForGraph graph;

  /** A search over {@code graph}. */
  public CycleSearch(WaitForGraph graph) {
    this.graph = graph;
  }

  /**
   * Searches for a cycle through {@code requester}'s wait for {@code lock} (recorded with {@code startMicros}).
   *
   * @return the cycle, or empty when there is none (or none within {@link #MAX_PARTIES})
   */
  public CompletableFuture<Optional<Found>> find(String requester, String lock, long startMicros) {
    Path first = new Path(List.of(new WaitCycle.Step(requester, lock)), List.of(startMicros), lock);
    Set<String> seen = new HashSet<>();
    seen.add(requester);
    seen.add(LOCK + lock);
    return level(requester, List.of(first), seen);
  }

  private CompletableFuture<Optional<Found>> level(String requester, List<Path> frontier, Set<String> seen) {
    if (frontier.isEmpty() || seen.size() > 2 * MAX_PARTIES) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    List<CompletableFuture<Optional<String>>> holders = frontier.stream().map(p -> graph.holder(p.lastLock()))
        .toList();
    return CompletableFuture.allOf(holders.toArray(CompletableFuture[]::new)).thenCompose(done -> {
      List<Path> paths = new ArrayList<>();
      List<String> parties = new ArrayList<>();
      for (int i = 0; i < frontier.size(); i++) {
        Optional<String> holder = holders.get(i).join();
        if (holder.isEmpty()) {
          continue;
        }
        if (holder.get().equals(requester)) {
          Path path = frontier.get(i);
          return CompletableFuture.completedFuture(Optional.of(new Found(new WaitCycle(path.steps()),
              path.starts())));
        }
        if (seen.add(holder.get())) {
          paths.add(frontier.get(i));
          parties.add(holder.get());
        }
      }
      return expand(requester, paths, parties, seen);
    });
  }

  private CompletableFuture<Optional<Found>> expand(String requester, List<Path> paths, List<String> parties,
      Set<String> seen) {
    List<CompletableFuture<List<WaitForGraph.Edge>>> waits = parties.stream().map(graph::waits).toList();
    return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).thenCompose(done -> {
      List<Path> next = new ArrayList<>();
      for (int i = 0; i < parties.size(); i++) {
        for (WaitForGraph.Edge edge : waits.get(i).join()) {
          if (seen.add(LOCK + edge.lock())) { // a lock's holder is read once: one lock, one holder
            next.add(paths.get(i).then(parties.get(i), edge));
          }
        }
      }
      return level(requester, next, seen);
    });
  }
}
