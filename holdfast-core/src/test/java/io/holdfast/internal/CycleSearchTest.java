package io.holdfast.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.WaitCycle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The cycle rule against a plain reachability check on random graphs: a wait is reported cyclic iff the holder of
 * its lock reaches the requester through "waits for a lock held by", and a reported cycle is one that exists. The
 * graphs come from a seeded generator (the seed is in the failure message), a property check without a framework.
 */
class CycleSearchTest {
  private static final int PARTIES = 8;
  private static final int LOCKS = 8;

  /** A graph held in memory; every answer is already complete. */
  record Graph(Map<String, String> holders, Map<String, List<String>> waits) implements WaitForGraph {
    @Override
    public CompletableFuture<Long> record(String party, String lock, Duration keep) {
      return CompletableFuture.completedFuture(0L);
    }

    @Override
    public CompletableFuture<Void> remove(String party, String lock) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<Edge>> waits(String party) {
      return CompletableFuture.completedFuture(waits.getOrDefault(party, List.of()).stream()
          .map(lock -> new Edge(lock, lock.hashCode())).toList());
    }

    @Override
    public CompletableFuture<Optional<String>> holder(String lock) {
      return CompletableFuture.completedFuture(Optional.ofNullable(holders.get(lock)));
    }
  }

  @Test
  void find_randomGraphs_reportsCycleIffHolderReachesRequester() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int cyclic = 0;
    for (int i = 0; i < 2_000; i++) {
      Graph graph = graph(random);
      String requester = "p0";
      String lock = graph.waits().getOrDefault(requester, List.of("l0")).get(0);

      Optional<CycleSearch.Found> found = new CycleSearch(graph).find(requester, lock, 0).join();

      boolean expected = reaches(graph, graph.holders().get(lock), requester, new HashSet<>());
      assertThat(found.isPresent()).as("seed %d graph %d: %s", seed, i, graph).isEqualTo(expected);
      found.ifPresent(f -> assertExists(graph, f.cycle(), requester, lock));
      cyclic += expected ? 1 : 0;
    }
    assertThat(cyclic).as("seed %d: both outcomes are exercised", seed).isBetween(1, 1_999);
  }

  @Test
  void find_twoPartyCycle_namesBothWaitsInOrder() {
    Graph graph = new Graph(Map.of("x", "a", "y", "b"), Map.of("a", List.of("y"), "b", List.of("x")));

    WaitCycle cycle = new CycleSearch(graph).find("b", "x", 0).join().orElseThrow().cycle();

    assertThat(cycle.steps()).containsExactly(new WaitCycle.Step("b", "x"), new WaitCycle.Step("a", "y"));
    assertThat(cycle).hasToString("b waits for 'x' held by a -> a waits for 'y' held by b");
  }

  @Test
  void find_cycleNotThroughRequester_reportsNothing() {
    Graph graph = new Graph(Map.of("x", "a", "y", "b"), Map.of("a", List.of("y"), "b", List.of("x")));

    assertThat(new CycleSearch(graph).find("c", "x", 0).join()).isEmpty();
  }

  @Test
  void youngest_latestStartThenLargestName_isChosen() {
    WaitCycle cycle = new WaitCycle(List.of(new WaitCycle.Step("a", "x"), new WaitCycle.Step("c", "y"),
        new WaitCycle.Step("b", "z")));

    assertThat(new CycleSearch.Found(cycle, List.of(5L, 9L, 7L)).youngest()).isEqualTo("c");
    assertThat(new CycleSearch.Found(cycle, List.of(9L, 5L, 9L)).youngest()).isEqualTo("b");
  }

  private static boolean reaches(Graph graph, String from, String target, Set<String> seen) {
    if (from == null) {
      return false;
    }
    if (from.equals(target)) {
      return true;
    }
    if (!seen.add(from)) {
      return false;
    }
    for (String lock : graph.waits().getOrDefault(from, List.of())) {
      if (reaches(graph, graph.holders().get(lock), target, seen)) {
        return true;
      }
    }
    return false;
  }

  private static void assertExists(Graph graph, WaitCycle cycle, String requester, String lock) {
    List<WaitCycle.Step> steps = cycle.steps();
    assertThat(steps.get(0)).isEqualTo(new WaitCycle.Step(requester, lock));
    for (int i = 0; i < steps.size(); i++) {
      WaitCycle.Step step = steps.get(i);
      String next = steps.get((i + 1) % steps.size()).owner();
      assertThat(graph.holders().get(step.lock())).as("holder of %s", step.lock()).isEqualTo(next);
      if (i > 0) {
        assertThat(graph.waits().get(step.owner())).as("waits of %s", step.owner()).contains(step.lock());
      }
    }
    assertThat(cycle.owners()).doesNotHaveDuplicates();
  }

  /* Each lock held by a random party or free; each party waiting for up to two random locks. */
  private static Graph graph(Random random) {
    Map<String, String> holders = new HashMap<>();
    for (int l = 0; l < LOCKS; l++) {
      int owner = random.nextInt(PARTIES + 1) - 1;
      if (owner >= 0) {
        holders.put("l" + l, "p" + owner);
      }
    }
    Map<String, List<String>> waits = new HashMap<>();
    for (int p = 0; p < PARTIES; p++) {
      List<String> locks = new ArrayList<>();
      for (int n = random.nextInt(3); n > 0; n--) {
        String lock = "l" + random.nextInt(LOCKS);
        if (!locks.contains(lock)) {
          locks.add(lock);
        }
      }
      if (!locks.isEmpty()) {
        waits.put("p" + p, locks);
      }
    }
    return new Graph(holders, waits);
  }
}
