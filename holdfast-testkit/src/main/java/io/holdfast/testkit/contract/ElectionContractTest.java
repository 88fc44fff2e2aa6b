package io.holdfast.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.CampaignRequest;
import io.holdfast.Election;
import io.holdfast.FencingToken;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Leader;
import io.holdfast.Leadership;
import io.holdfast.LeadershipListener;
import io.holdfast.LeadershipLoss;
import io.holdfast.LeaseLostException;
import io.holdfast.LockWaitTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The leader-election contract every backend keeps, as one abstract JUnit 5 suite in the style of
 * {@link LockContractTest}: subclass it once per backend and supply {@link #options()}. An election is a use of the
 * lock, so this suite checks what the election adds (one leader at a time, growing terms, listener events exactly
 * once per transition, hand-over on resignation, loss at expiry, observation) on top of the lock rules the lock suite
 * checks. Each test uses fresh election names and closes every client it opened.
 */
// Tagged so that failsafe runs the Redis and service subclasses side by side, apart from fault tests (pom.xml).
@Tag("contract")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ElectionContractTest {
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final int CLIENTS = 3;
  private static final int THREADS = 6;
  private static final int TERMS_PER_THREAD = 8;

  private final List<Holdfast> clients = new ArrayList<>();

  /**
   * Options for a client of the backend under test; called for every client a test opens.
   *
   * @return a builder with the backend set; tests may change timing fields
   */
  protected abstract HoldfastOptions.Builder options();

  private Holdfast client(HoldfastOptions.Builder builder) {
    Holdfast client = Holdfast.connect(builder.build());
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  private Election election(String name) {
    return client(options()).election(name);
  }

  private static String freshName() {
    return "contract/election/" + UUID.randomUUID();
  }

  @AfterEach
  void closeClients() {
    synchronized (clients) {
      clients.forEach(Holdfast::close);
      clients.clear();
    }
  }

  @Test
  void campaign_freeElection_electsAndLeaderShowsValueOwnerAndTerm() {
    Election election = election(freshName());
    Events events = new Events();
    try (Leadership leadership = election.campaign(CampaignRequest.of("node-a:8080", TTL).withListener(events))) {
      assertThat(leadership.isLeader()).isTrue();
      assertThat(leadership.value()).isEqualTo("node-a:8080");
      Leader leader = election.leader().orElseThrow();
      assertThat(leader.value()).isEqualTo("node-a:8080");
      assertThat(leader.owner()).isEqualTo(leadership.owner());
      assertThat(leader.term()).isEqualTo(leadership.term());
      assertThat(leader.election()).isEqualTo(election.name());
      await().until(() -> events.of(leadership).equals(List.of("elected")));
    }
    await().until(() -> events.of(events.first()).equals(List.of("elected", "lost RESIGNED")));
    assertThat(election.leader()).isEmpty();
  }

  @Test
  void campaigns_manyCandidatesOverClients_atMostOneLeaderAtATimeAndTermsStrictlyIncrease() throws Exception {
    String name = freshName();
    List<Election> elections = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      elections.add(election(name));
    }
    AtomicReference<Leadership> current = new AtomicReference<>();
    List<FencingToken> terms = new CopyOnWriteArrayList<>();
    Events events = new Events();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> candidates = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Election election = elections.get(t % CLIENTS);
        String value = "candidate-" + t;
        candidates.add(pool.submit(() -> {
          for (int term = 0; term < TERMS_PER_THREAD; term++) {
            Leadership leadership = election.campaign(CampaignRequest.of(value, TTL).withListener(events));
            assertThat(current.compareAndSet(null, leadership)).as("elected while %s led", current.get()).isTrue();
            terms.add(leadership.term());
            assertThat(leadership.isLeader()).isTrue();
            assertThat(current.compareAndSet(leadership, null)).isTrue();
            leadership.resign();
          }
          return null;
        }));
      }
      for (Future<?> candidate : candidates) {
        candidate.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(terms).hasSize(THREADS * TERMS_PER_THREAD);
    for (int i = 1; i < terms.size(); i++) {
      assertThat(terms.get(i)).as("term %d after %s", i, terms.get(i - 1)).isGreaterThan(terms.get(i - 1));
    }
    await().untilAsserted(() -> assertThat(events.all()).hasSize(terms.size())
        .allSatisfy((term, seen) -> assertThat(seen).as("events of term %s", term)
            .containsExactly("elected", "lost RESIGNED")));
  }

  @Test
  void resign_candidateWaiting_handsOverWellUnderRecheckIntervalWithLargerTerm() throws Exception {
    String name = freshName();
    Duration recheck = Duration.ofSeconds(20);
    Election first = election(name);
    Election second = client(options().recheckInterval(recheck)).election(name);
    Events events = new Events();
    Leadership leading = first.campaign(CampaignRequest.of("first", TTL).withListener(events));
    CompletableFuture<Leadership> waiting = second.campaignAsync(CampaignRequest.of("second", TTL)
        .withListener(events));
    Thread.sleep(300);
    assertThat(waiting).isNotDone();
    long resigned = System.nanoTime();
    leading.resign();
    Leadership next = waiting.get(recheck.toSeconds(), TimeUnit.SECONDS);
    long handoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resigned);
    // Woken by the release, not by its re-check timer (the protocol's bound, whatever the machine's speed).
    assertThat(handoverMillis).as("hand-over took %d ms", handoverMillis).isLessThan(recheck.toMillis());
    assertThat(next.term()).isGreaterThan(leading.term());
    assertThat(leading.isLeader()).isFalse();
    leading.resign(); // idempotent: no second event
    await().until(() -> events.of(leading).equals(List.of("elected", "lost RESIGNED"))
        && events.of(next).equals(List.of("elected")));
    next.resign();
  }

  @Test
  void leadership_leaseExpiresWithoutRenewal_lostOnceAsExpiredBeforeTheNextLeaderIsElected() throws Exception {
    String name = freshName();
    Election first = election(name);
    Election second = election(name);
    Events events = new Events();
    Duration lease = Duration.ofSeconds(1);
    // The old lease runs from before its request was sent (its validity counts from there, less the drift
    // allowance); the moment its campaign returns is later by however long this machine took to answer.
    long requestedAt = System.nanoTime();
    Leadership expiring = first.campaign(CampaignRequest.of("first", lease).withoutAutoRenew()
        .withListener(events));
    Leadership next = second.campaign(CampaignRequest.of("second", TTL).withListener(events)
        .withWait(Duration.ofSeconds(8)));
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - requestedAt);
    assertThat(expiring.isLeader()).as("the old leader's view when the new one leads").isFalse();
    assertThat(waitedMillis).as("elected after the old lease ended")
        .isGreaterThanOrEqualTo(lease.minus(options().build().driftAllowance(lease)).toMillis());
    assertThat(next.term()).isGreaterThan(expiring.term());
    await().until(() -> events.of(expiring).equals(List.of("elected", "lost EXPIRED")));
    assertThatThrownBy(expiring::resign).as("the backend no longer held the expired term")
        .isInstanceOf(LeaseLostException.class);
    Thread.sleep(200);
    assertThat(events.of(expiring)).containsExactly("elected", "lost EXPIRED");
    assertThat(second.leader().map(Leader::term)).contains(next.term());
    next.resign();
  }

  @Test
  void tryCampaign_ledByAnother_emptyAfterWaitAndCampaignThrowsTimeout() {
    String name = freshName();
    Election leaderSide = election(name);
    Election other = election(name);
    try (Leadership leading = leaderSide.campaign(CampaignRequest.of("leader", TTL))) {
      CampaignRequest brief = CampaignRequest.of("other", TTL).withWait(Duration.ofMillis(200));
      assertThat(other.tryCampaign(brief)).isEmpty();
      assertThatThrownBy(() -> other.campaign(brief)).isInstanceOf(LockWaitTimeoutException.class);
      assertThat(other.leader().map(Leader::owner)).contains(leading.owner());
    }
  }

  @Test
  void campaignAsync_cancelledWhileWaiting_neverElectedAndNothingHeld() throws Exception {
    String name = freshName();
    Election leaderSide = election(name);
    Election other = election(name);
    Events events = new Events();
    Leadership leading = leaderSide.campaign(CampaignRequest.of("leader", TTL));
    CompletableFuture<Leadership> waiting = other.campaignAsync(CampaignRequest.of("other", TTL)
        .withListener(events));
    Thread.sleep(100);
    waiting.cancel(true);
    leading.resign();
    Thread.sleep(300);
    assertThat(other.leader()).isEmpty();
    assertThat(events.all()).isEmpty();
  }

  @Test
  void clientClose_whileLeading_toldClientClosedAndElectionFree() {
    String name = freshName();
    Holdfast closing = client(options());
    Election watcher = election(name);
    Events events = new Events();
    Leadership leading = closing.election(name).campaign(CampaignRequest.of("leader", TTL).withListener(events));
    closing.close();
    assertThat(leading.isLeader()).isFalse();
    assertThat(events.of(leading)).containsExactly("elected", "lost CLIENT_CLOSED");
    assertThat(watcher.leader()).isEmpty();
  }

  @Test
  void observe_leadersComeAndGo_observerSeesEachInTermOrderWithoutRepeatsUntilClosed() throws Exception {
    String name = freshName();
    Election observed = election(name);
    Election candidates = election(name);
    List<Optional<Leader>> seen = new CopyOnWriteArrayList<>();
    Election.Observation observation = observed.observe(seen::add);
    await().until(() -> seen.equals(List.of(Optional.empty())));
    Leadership first = candidates.campaign(CampaignRequest.of("first", TTL));
    await().until(() -> seen.size() == 2);
    first.resign();
    Leadership second = candidates.campaign(CampaignRequest.of("second", TTL));
    await().until(() -> seen.stream().flatMap(Optional::stream).anyMatch(l -> l.term().equals(second.term())));
    second.resign();
    await().until(() -> seen.get(seen.size() - 1).isEmpty());
    observation.close();
    int reported = seen.size();
    candidates.campaign(CampaignRequest.of("third", TTL)).resign();
    Thread.sleep(300);

    assertThat(seen).as("reports after close").hasSize(reported);
    assertThat(seen.get(1).map(Leader::value)).contains("first");
    assertThat(seen.get(1).map(Leader::term)).contains(first.term());
    List<FencingToken> terms = seen.stream().flatMap(Optional::stream).map(Leader::term).toList();
    assertThat(terms).isSorted().doesNotHaveDuplicates();
    List<String> leaders = seen.stream().map(l -> l.map(x -> x.owner() + " term " + x.term()).orElse("none"))
        .toList();
    for (int i = 1; i < leaders.size(); i++) {
      assertThat(leaders.get(i)).as("report %d repeats the one before: %s", i, leaders)
          .isNotEqualTo(leaders.get(i - 1));
    }
  }

  /** Records each leadership's events, by term, in the order the listener got them. */
  private static final class Events implements LeadershipListener {
    private final Map<FencingToken, List<String>> byTerm = new ConcurrentHashMap<>();
    private final List<Leadership> order = new CopyOnWriteArrayList<>();

    @Override
    public void elected(Leadership leadership) {
      order.add(leadership);
      byTerm.computeIfAbsent(leadership.term(), t -> new CopyOnWriteArrayList<>()).add("elected");
    }

    @Override
    public void lost(Leadership leadership, LeadershipLoss loss) {
      byTerm.computeIfAbsent(leadership.term(), t -> new CopyOnWriteArrayList<>()).add("lost " + loss);
    }

    List<String> of(Leadership leadership) {
      return List.copyOf(byTerm.getOrDefault(leadership.term(), List.of()));
    }

    Leadership first() {
      return order.get(0);
    }

    Map<FencingToken, List<String>> all() {
      return Map.copyOf(byTerm);
    }
  }
}
