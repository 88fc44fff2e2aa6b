package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.AcquireRequest;
import io.holdfast.FencingToken;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.testkit.redis.IndependentMasters;
import io.holdfast.testkit.redis.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fair lock on independent masters (docs/fair-lock.md, "Independent masters"): three waiters whose places reached
 * the three masters in three different orders (no waiter heads a majority, the livelock of per-master lines) are all
 * granted, in the order of their settled tickets; with one master down the line still holds; a waiter that stopped
 * loses its place on every master; nothing of the lines is left after the last release.
 */
@Timeout(120)
class QuorumFairLineIT {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration KEEP = Duration.ofSeconds(30);
  private static final KeySpace KEYS = KeySpace.standalone("holdfast");

  private IndependentMasters masters;
  private final List<Holdfast> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    masters = IndependentMasters.start(3);
  }

  @AfterEach
  void stop() {
    clients.forEach(Holdfast::close);
    masters.close();
  }

  private Holdfast client(Duration recheck) {
    Holdfast client = Holdfast.connect(HoldfastOptions.builder().backend(masters.uri()).recheckInterval(recheck)
        .clientName("quorum-fair-" + clients.size()).build());
    clients.add(client);
    return client;
  }

  private static AcquireRequest fair(String name, OwnerToken owner) {
    return AcquireRequest.of(name, TTL).withWait(Duration.ofSeconds(60)).withFair(true).withOwner(owner);
  }

  /* acquire.lua in fair mode on one master only, as a waiter's attempt that reached that master alone. */
  private static void joinOn(RedisServer master, String name, OwnerToken owner) {
    LockName lock = LockName.of(name);
    List<String> args = new ArrayList<>(List.of("EVAL", LockScripts.ACQUIRE.source(), "4", KEYS.lockKey(lock),
        KEYS.fenceKey(lock), KEYS.queueKey(name), KEYS.queueDeadlinesKey(name)));
    args.addAll(List.of(LockScripts.fairArgs(owner, TTL, 1, KEEP)));
    Object reply = master.command(args.toArray(String[]::new));
    assertThat(((List<?>) reply).get(0)).as("busy, in line on %s", master).isEqualTo(0L);
  }

  /*
   * Lines seeded one master after another, so tickets grow in this order: m0 A<B<C, m1 B<C<A, m2 C<A<B. The lock's
   * holder is then gone without a release (as an expiry would end it): the lock is free and each master's head is
   * another waiter, so no waiter heads a majority until the tickets are settled.
   */
  private void seedSplitLines(String name, List<OwnerToken> abc) {
    OwnerToken a = abc.get(0);
    OwnerToken b = abc.get(1);
    OwnerToken c = abc.get(2);
    masters.masters().forEach(m -> m.command("HSET", KEYS.lockKey(LockName.of(name)), "o", "holder", "t", "1"));
    List<List<OwnerToken>> orders = List.of(List.of(a, b, c), List.of(b, c, a), List.of(c, a, b));
    for (int m = 0; m < 3; m++) {
      for (OwnerToken waiter : orders.get(m)) {
        joinOn(masters.master(m), name, waiter);
      }
    }
    masters.masters().forEach(m -> m.command("DEL", KEYS.lockKey(LockName.of(name))));
  }

  /**
   * The split, driven through the backend one attempt at a time (each waiter in turn, as long as it waits): every
   * waiter is granted within a bounded number of rounds (one to settle, then one grant per round at least), and no
   * grant passes a waiter whose settled ticket, known before that grant, is smaller.
   */
  @Test
  void fairAttempts_threeWaitersInThreeOrdersOnThreeMasters_grantedInSettledTicketOrderWithinBoundedRounds() {
    String name = "fair/" + UUID.randomUUID();
    List<OwnerToken> abc = List.of(OwnerToken.random(), OwnerToken.random(), OwnerToken.random());
    seedSplitLines(name, abc);
    HoldfastOptions options = HoldfastOptions.builder().backend(masters.uri()).build();
    Map<OwnerToken, Long> settled = new HashMap<>();
    List<OwnerToken> granted = new ArrayList<>();
    int rounds = 0;
    try (QuorumLockBackend backend = QuorumLockBackend.open(TopologyUris.parse(URI.create(masters.uri()),
        options.operationTimeout()), options)) {
      while (granted.size() < abc.size() && rounds < 5) {
        rounds++;
        for (OwnerToken waiter : abc) {
          if (granted.contains(waiter)) {
            continue;
          }
          AcquireOutcome outcome = backend.tryAcquireFair(LockName.of(name), waiter, TTL, RedisItSupport.nextRequestId(),
              Duration.ZERO, KEEP).join();
          if (outcome instanceof AcquireOutcome.Busy busy) {
            assertThat(busy.ticket()).as("a busy answer settles a ticket").isPositive();
            settled.put(waiter, busy.ticket());
            continue;
          }
          for (Map.Entry<OwnerToken, Long> other : settled.entrySet()) {
            if (!granted.contains(other.getKey()) && !other.getKey().equals(waiter)) {
              assertThat(settled.getOrDefault(waiter, 0L)).as("granted while a waiter with a smaller settled ticket"
                  + " waits").isLessThan(other.getValue());
            }
          }
          granted.add(waiter);
          FencingToken token = ((AcquireOutcome.Granted) outcome).fencingToken();
          assertThat(backend.release(LockName.of(name), waiter, token, RedisItSupport.nextRequestId()).join())
              .isEqualTo(new ReleaseOutcome.Released(0));
        }
      }
      // Checked before the backend closes: a release or leave still in flight to the last master is not cut off.
      assertNoLineLeft(name);
    }
    assertThat(granted).as("every waiter granted within %d rounds", rounds).containsExactlyInAnyOrderElementsOf(abc);
  }

  /** The same split through three clients: the engine's waits and hand-offs get every waiter granted, in turn. */
  @Test
  void fairAcquire_threeWaitersInThreeOrdersOnThreeMasters_allGrantedOneAfterAnother() {
    String name = "fair/" + UUID.randomUUID();
    List<OwnerToken> abc = List.of(OwnerToken.random(), OwnerToken.random(), OwnerToken.random());
    seedSplitLines(name, abc);
    List<CompletableFuture<Optional<Lease>>> waiters = new ArrayList<>();
    abc.forEach(owner -> waiters.add(client(Duration.ofSeconds(2)).tryAcquireAsync(fair(name, owner))));
    assertThat(grantOrder(waiters)).containsExactlyInAnyOrder(0, 1, 2);
    assertNoLineLeft(name);
  }

  @Test
  void fairAcquire_oneMasterDown_waitersGrantedInArrivalOrder() {
    String name = "fair/" + UUID.randomUUID();
    masters.master(2).stop();
    Lease held = client(Duration.ofSeconds(2)).acquire(fair(name, OwnerToken.random()));
    List<CompletableFuture<Optional<Lease>>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(client(Duration.ofSeconds(2)).tryAcquireAsync(fair(name, OwnerToken.random())));
      long inLine = i + 1;
      await().atMost(Duration.ofSeconds(20)).until(() -> lineLength(masters.master(0), name) >= inLine
          && lineLength(masters.master(1), name) >= inLine);
    }
    held.release();
    assertThat(grantOrder(waiters)).containsExactly(0, 1, 2);
    masters.master(2).restart();
    assertNoLineLeft(name);
  }

  @Test
  void fairAcquire_waiterThatStopped_losesItsPlaceOnEveryMasterAndTheNextIsGranted() {
    String name = "fair/" + UUID.randomUUID();
    Lease held = client(Duration.ofSeconds(2)).acquire(fair(name, OwnerToken.random()));
    Holdfast dying = client(Duration.ofSeconds(1)); // keeps its place 2 s after each attempt
    CompletableFuture<Optional<Lease>> dead = dying.tryAcquireAsync(fair(name, OwnerToken.random()));
    await().atMost(Duration.ofSeconds(20)).until(() -> lineLength(masters.master(0), name) >= 1);
    CompletableFuture<Optional<Lease>> next = client(Duration.ofSeconds(2)).tryAcquireAsync(
        fair(name, OwnerToken.random()));
    await().atMost(Duration.ofSeconds(20)).until(() -> masters.masters().stream()
        .allMatch(m -> lineLength(m, name) >= 2));
    dying.close();
    held.release();
    Lease lease = next.orTimeout(60, TimeUnit.SECONDS).join().orElseThrow();
    assertThat(lease.fencingToken()).isGreaterThan(held.fencingToken());
    assertThat(dead).isCompletedExceptionally();
    lease.release();
    assertNoLineLeft(name);
  }

  /**
   * The waiters in the order their grants came: each grant is held until it is counted, so the next one can only
   * come after its release; their tokens grow.
   */
  private static List<Integer> grantOrder(List<CompletableFuture<Optional<Lease>>> waiters) {
    LinkedBlockingQueue<Integer> granted = new LinkedBlockingQueue<>();
    for (int i = 0; i < waiters.size(); i++) {
      int index = i;
      waiters.get(i).whenComplete((lease, failure) -> granted.add(index));
    }
    List<Integer> order = new ArrayList<>();
    long previous = 0;
    while (order.size() < waiters.size()) {
      Integer index = await().atMost(Duration.ofSeconds(60)).until(granted::poll, i -> i != null);
      order.add(index);
      Lease lease = waiters.get(index).join().orElseThrow();
      assertThat(lease.fencingToken().value()).isGreaterThan(previous);
      previous = lease.fencingToken().value();
      lease.release();
    }
    return order;
  }

  private static long lineLength(RedisServer master, String name) {
    return (Long) master.command("ZCARD", KEYS.queueKey(name));
  }

  /* The leaves after a grant are sent without waiting: the lines are gone from every master soon after. */
  private void assertNoLineLeft(String name) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (RedisServer master : masters.masters()) {
        assertThat((Long) master.command("EXISTS", KEYS.queueKey(name), KEYS.queueDeadlinesKey(name),
            KEYS.lockKey(LockName.of(name)))).as("line %s and lock %s on %s",
                master.command("ZRANGE", KEYS.queueKey(name), "0", "-1", "WITHSCORES"),
                master.command("HGETALL", KEYS.lockKey(LockName.of(name))), master).isZero();
      }
    });
  }
}
