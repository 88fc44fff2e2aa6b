package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.testkit.redis.IndependentMasters;
import io.holdfast.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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

  @Test
  void fairAcquire_threeWaitersInThreeOrdersOnThreeMasters_allGrantedInSettledTicketOrder() {
    String name = "fair/" + UUID.randomUUID();
    Lease held = client(Duration.ofSeconds(2)).acquire(fair(name, OwnerToken.random()));
    OwnerToken a = OwnerToken.random();
    OwnerToken b = OwnerToken.random();
    OwnerToken c = OwnerToken.random();
    // One master after another, so tickets grow in this order: m0 A<B<C, m1 B<C<A, m2 C<A<B. The settled ticket is
    // each waiter's second smallest: B's (on m1) < C's (on m1) < A's (on m1).
    List<List<OwnerToken>> orders = List.of(List.of(a, b, c), List.of(b, c, a), List.of(c, a, b));
    for (int m = 0; m < 3; m++) {
      for (OwnerToken waiter : orders.get(m)) {
        joinOn(masters.master(m), name, waiter);
      }
    }
    // The holder's grant ends without a release (as an expiry would): the lock is free, and each master's head is
    // another waiter, so no waiter is the head of a majority until the tickets are settled.
    masters.masters().forEach(m -> m.command("DEL", KEYS.lockKey(LockName.of(name))));
    List<OwnerToken> owners = List.of(a, b, c);
    List<CompletableFuture<Optional<Lease>>> waiters = new ArrayList<>();
    owners.forEach(owner -> waiters.add(client(Duration.ofSeconds(2)).tryAcquireAsync(fair(name, owner))));
    assertThat(grantOrder(waiters)).containsExactly(1, 2, 0);
    assertThat(held.fencingToken().value()).isPositive();
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

  /** Holds each grant until the next one could only come after its release; returns the waiters' order. */
  private static List<Integer> grantOrder(List<CompletableFuture<Optional<Lease>>> waiters) {
    List<Integer> order = new ArrayList<>();
    while (order.size() < waiters.size()) {
      int index = await().atMost(Duration.ofSeconds(60)).until(() -> firstDone(waiters, order), i -> i >= 0);
      order.add(index);
      waiters.get(index).join().orElseThrow().release();
    }
    return order;
  }

  private static int firstDone(List<CompletableFuture<Optional<Lease>>> waiters, List<Integer> counted) {
    for (int i = 0; i < waiters.size(); i++) {
      if (waiters.get(i).isDone() && !counted.contains(i)) {
        return i;
      }
    }
    return -1;
  }

  private static long lineLength(RedisServer master, String name) {
    return (Long) master.command("ZCARD", KEYS.queueKey(name));
  }

  /* The leaves after a grant are sent without waiting: the lines are gone from every master soon after. */
  private void assertNoLineLeft(String name) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (RedisServer master : masters.masters()) {
        assertThat((Long) master.command("EXISTS", KEYS.queueKey(name), KEYS.queueDeadlinesKey(name),
            KEYS.lockKey(LockName.of(name)))).as("line and lock on %s", master).isZero();
      }
    });
  }
}
