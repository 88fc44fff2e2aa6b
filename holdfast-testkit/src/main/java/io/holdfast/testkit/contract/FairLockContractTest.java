package io.holdfast.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fair-lock contract ({@link AcquireRequest#withFair(boolean)}) every backend with a fair mode keeps, in the
 * style of {@link LockContractTest}: subclass it once per backend and supply {@link #options()}. Waiters are
 * granted in the order they joined the line; nobody passes the head, not even a newcomer that finds the lock free
 * during a hand-off; a waiter that stopped asking loses its place in bounded time; re-entry and fencing are those
 * of the plain lock. Every waiter is its own client, as separate processes would be.
 */
// Tagged so that failsafe runs the Redis and service subclasses side by side, apart from fault tests (pom.xml).
@Tag("contract")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
public abstract class FairLockContractTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration LONG_WAIT = Duration.ofSeconds(60);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<Holdfast> clients = new ArrayList<>();
  private final AtomicInteger opened = new AtomicInteger();

  /**
   * Options for a client of the backend under test; called for every client a test opens.
   *
   * @return a builder with the backend set
   */
  protected abstract HoldfastOptions.Builder options();

  /**
   * How many waiters are in the lock's line now, as far as the test can see. The default counts the fair
   * acquires of this suite's clients that wait for a release ({@code holdfast.waiters}), which a waiter joins only
   * after its first busy answer put it in line; a backend that waits itself (the lock service) overrides it.
   *
   * @param name the lock name
   * @return the waiters in line
   */
  protected int inLine(String name) {
    return (int) meters.find("holdfast.waiters").gauges().stream().mapToDouble(Gauge::value).sum();
  }

  /**
   * Opens a client that is closed after the test.
   *
   * @param builder the options (the suite sets a distinct client name and its meter registry)
   * @return a new client
   */
  protected Holdfast client(HoldfastOptions.Builder builder) {
    Holdfast client = Holdfast.connect(builder.clientName("fair-contract-" + opened.incrementAndGet())
        .meterRegistry(meters).build());
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  private Holdfast client() {
    return client(options());
  }

  @AfterEach
  void closeClients() {
    synchronized (clients) {
      clients.forEach(Holdfast::close);
      clients.clear();
    }
  }

  private static AcquireRequest fair(String name, Duration wait) {
    return AcquireRequest.of(name, TTL).withWait(wait).withFair(true);
  }

  @Test
  void fairAcquire_waitersInLine_grantedInArrivalOrderWithGrowingTokens() {
    String name = "fair/" + UUID.randomUUID();
    Lease held = client().acquire(fair(name, Duration.ZERO));
    List<CompletableFuture<Optional<Lease>>> waiters = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      waiters.add(client().tryAcquireAsync(fair(name, LONG_WAIT)));
      int expected = i + 1;
      await().atMost(Duration.ofSeconds(20)).until(() -> inLine(name) >= expected);
    }
    List<Integer> order = new ArrayList<>();
    List<Long> tokens = new ArrayList<>();
    tokens.add(held.fencingToken().value());
    held.release();
    for (int granted = 0; granted < waiters.size(); granted++) {
      int index = await().atMost(Duration.ofSeconds(30)).until(() -> firstDone(waiters, order), i -> i >= 0);
      Lease lease = waiters.get(index).join().orElseThrow();
      order.add(index);
      tokens.add(lease.fencingToken().value());
      lease.release();
    }
    assertThat(order).containsExactly(0, 1, 2, 3);
    assertThat(tokens).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void fairAcquire_newcomerDuringHandOff_neverPassesTheHead() {
    String name = "fair/" + UUID.randomUUID();
    Lease held = client().acquire(fair(name, Duration.ZERO));
    CompletableFuture<Optional<Lease>> head = client().tryAcquireAsync(fair(name, LONG_WAIT));
    await().atMost(Duration.ofSeconds(20)).until(() -> inLine(name) >= 1);
    Holdfast newcomer = client();
    held.release();
    int probes = 0;
    while (!head.isDone() || probes == 0) {
      Optional<Lease> barged = newcomer.tryAcquire(fair(name, Duration.ZERO));
      barged.ifPresent(Lease::release);
      assertThat(barged).as("a newcomer's try while the head is in line").isEmpty();
      probes++;
    }
    try (Lease lease = head.join().orElseThrow()) {
      assertThat(lease.fencingToken()).isGreaterThan(held.fencingToken());
    }
  }

  /**
   * A waiter that stopped (its client closed) still holds its place until its keep time lapses: a newcomer that
   * finds the lock free right after the release does not pass it; then its place lapses and the next one is
   * granted. Its re-check interval is long (5 s, a place of 10 s) so that the newcomer comes well within the place's
   * life; a backend that waits itself should keep places as long (the service: a re-check of 5 s).
   */
  @Test
  void fairAcquire_waiterThatStopped_keepsItsPlaceUntilItLapsesInBoundedTime() {
    String name = "fair/" + UUID.randomUUID();
    Lease held = client().acquire(fair(name, Duration.ZERO));
    Holdfast dying = client(options().recheckInterval(Duration.ofSeconds(5)));
    CompletableFuture<Optional<Lease>> dead = dying.tryAcquireAsync(fair(name, LONG_WAIT));
    await().atMost(Duration.ofSeconds(20)).until(() -> inLine(name) >= 1);
    dying.close(); // stops attempting; its place lapses at most twice its re-check interval after its last one
    held.release();
    Optional<Lease> barged = client().tryAcquire(fair(name, Duration.ZERO));
    barged.ifPresent(Lease::release);
    assertThat(barged).as("a newcomer while a stopped waiter's place is live").isEmpty();
    CompletableFuture<Optional<Lease>> next = client().tryAcquireAsync(fair(name, LONG_WAIT));
    // The bound: the stopped place's keep (10 s) plus one re-check of the next waiter, with room for a slow machine.
    Optional<Lease> lease = next.orTimeout(40, TimeUnit.SECONDS).join();
    assertThat(lease).isPresent();
    assertThat(dead).isCompletedExceptionally();
    lease.get().release();
  }

  /**
   * A waiter whose wait ran out gave up: its place ends with its wait, so it does not hold up the line. A place kept
   * for the re-check interval after its caller gave up would leave the lock free and refused to everyone for that
   * long (the lock service's places lasted two of its re-checks, 10 s with this suite's 5 s, after the caller's last
   * call: the next waiter below, with 5 s, would not get the lock).
   */
  @Test
  void fairTryAcquire_waiterWhoseWaitRanOut_leavesTheLineWithIt() {
    String name = "fair/" + UUID.randomUUID();
    Lease held = client().acquire(fair(name, Duration.ZERO));
    assertThat(client(options().recheckInterval(Duration.ofSeconds(5))).tryAcquire(fair(name, Duration.ofMillis(300))))
        .as("a waiter whose wait ran out while the lock was held").isEmpty();
    held.release();
    Optional<Lease> next = client().tryAcquire(fair(name, Duration.ofSeconds(5)));
    assertThat(next).as("the next waiter, once the one that gave up is gone").isPresent();
    next.get().release();
  }

  @Test
  void fairAcquire_ownerHoldingTheLock_reentersPastTheLineWithSameToken() {
    String name = "fair/" + UUID.randomUUID();
    Holdfast holder = client();
    Lease first = holder.acquire(fair(name, Duration.ZERO));
    CompletableFuture<Optional<Lease>> waiter = client().tryAcquireAsync(fair(name, LONG_WAIT));
    await().atMost(Duration.ofSeconds(20)).until(() -> inLine(name) >= 1);
    Lease again = holder.acquire(fair(name, Duration.ZERO).withOwner(first.owner()));
    assertThat(again.fencingToken()).isEqualTo(first.fencingToken());
    assertThat(again.holdCount()).isEqualTo(2);
    again.release();
    assertThat(waiter).isNotDone();
    first.release();
    try (Lease lease = waiter.orTimeout(30, TimeUnit.SECONDS).join().orElseThrow()) {
      assertThat(lease.fencingToken()).isGreaterThan(first.fencingToken());
    }
  }

  @Test
  void fairTryAcquire_freeLockNobodyInLine_grantsAtOnceAndReleasesClean() {
    String name = "fair/" + UUID.randomUUID();
    Holdfast client = client();
    Lease lease = client.acquire(fair(name, Duration.ZERO));
    assertThat(lease.holdCount()).isEqualTo(1);
    lease.release();
    assertThat(client.inspect(name)).isEmpty();
    assertThat(client.tryAcquire(fair(name, Duration.ZERO))).isPresent();
  }

  /** The index of a waiter that holds its grant now and was not counted yet, or -1. */
  private static int firstDone(List<CompletableFuture<Optional<Lease>>> waiters, List<Integer> counted) {
    for (int i = 0; i < waiters.size(); i++) {
      if (waiters.get(i).isDone() && !counted.contains(i)) {
        return i;
      }
    }
    return -1;
  }
}
