package io.holdfast.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.AcquireRequest;
import io.holdfast.ErrorCode;
import io.holdfast.FencingToken;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;
import io.holdfast.Lease;
import io.holdfast.LeaseLostException;
import io.holdfast.LockState;
import io.holdfast.LockWaitTimeoutException;
import io.holdfast.OwnerToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lock contract every Holdfast backend must keep, as one abstract JUnit 5 suite: subclass it once per backend
 * and supply {@link #options()}. Each test uses fresh lock names, so backends need no cleaning between tests, and
 * every client a test opens is closed after it.
 *
 * <p>Concurrency tests live in {@link LockConcurrencyContractTest}, which extends this class.
 */
// Tagged so that failsafe runs the Redis and service subclasses side by side, apart from fault tests (pom.xml).
@Tag("contract")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class LockContractTest {
  /** The TTL of the expiry tests: long enough that a lease ending at 60% of it shows clear of a slow round trip. */
  private static final Duration EXPIRY_TTL = Duration.ofSeconds(1);

  private final List<Holdfast> clients = new ArrayList<>();

  /**
   * Options for a client of the backend under test; called for every client a test opens.
   *
   * @return a builder with the backend set; tests may change timing fields
   */
  protected abstract HoldfastOptions.Builder options();

  /**
   * Opens a client that is closed after the test.
   *
   * @return a new client
   */
  protected Holdfast client() {
    return client(options());
  }

  /**
   * Opens a client with the given options that is closed after the test.
   *
   * @param builder the options
   * @return a new client
   */
  protected Holdfast client(HoldfastOptions.Builder builder) {
    Holdfast client = Holdfast.connect(builder.build());
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /**
   * A lock name no other test uses.
   *
   * @return a fresh name
   */
  protected static String freshName() {
    return "contract/" + UUID.randomUUID();
  }

  @AfterEach
  void closeClients() {
    synchronized (clients) {
      clients.forEach(Holdfast::close);
      clients.clear();
    }
  }

  @Test
  void acquire_freeLock_grantsValidLeaseWithPositiveToken() {
    String name = freshName();
    try (Lease lease = client().acquire(name, Duration.ofSeconds(5))) {
      assertThat(lease.name().value()).isEqualTo(name);
      assertThat(lease.fencingToken().value()).isPositive();
      assertThat(lease.holdCount()).isEqualTo(1);
      assertThat(lease.isValid()).isTrue();
      assertThat(lease.remainingValidity()).isGreaterThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void tryAcquire_heldByOther_returnsEmptyAfterWaiting() {
    String name = freshName();
    Holdfast holder = client();
    Holdfast other = client();
    try (Lease held = holder.acquire(name, Duration.ofSeconds(10))) {
      long start = System.nanoTime();
      Optional<Lease> attempt = other.tryAcquire(AcquireRequest.of(name, Duration.ofSeconds(5))
          .withWait(Duration.ofMillis(300)));
      long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(attempt).isEmpty();
      assertThat(waitedMillis).isGreaterThanOrEqualTo(290);
      assertThat(held.isValid()).isTrue();
    }
  }

  @Test
  void tryAcquire_zeroWaitOnHeldLock_returnsEmpty() {
    String name = freshName();
    try (Lease held = client().acquire(name, Duration.ofSeconds(10))) {
      assertThat(client().tryAcquire(AcquireRequest.of(name, Duration.ofSeconds(5)).withWait(Duration.ZERO))).isEmpty();
    }
  }

  @Test
  void acquire_finiteWaitRunsOut_throwsWaitTimeout() {
    String name = freshName();
    try (Lease held = client().acquire(name, Duration.ofSeconds(10))) {
      AcquireRequest request = AcquireRequest.of(name, Duration.ofSeconds(5)).withWait(Duration.ofMillis(100));
      assertThatThrownBy(() -> client().acquire(request))
          .isInstanceOf(LockWaitTimeoutException.class)
          .hasMessageContaining(name);
    }
  }

  @Test
  void acquire_sameOwnerAgain_reentersWithSameTokenUntilLastRelease() {
    String name = freshName();
    Holdfast client = client();
    Lease first = client.acquire(name, Duration.ofSeconds(10));
    Lease second = client.acquire(AcquireRequest.of(name, Duration.ofSeconds(10)).withOwner(first.owner()));
    assertThat(second.fencingToken()).isEqualTo(first.fencingToken());
    assertThat(second.holdCount()).isEqualTo(2);
    first.release();
    assertThat(client().tryAcquire(AcquireRequest.of(name, Duration.ofSeconds(5)).withWait(Duration.ZERO))).isEmpty();
    assertThat(client.inspect(name)).get().extracting(LockState::holdCount).isEqualTo(1);
    second.release();
    assertThat(client.inspect(name)).isEmpty();
  }

  @Test
  void fencingTokens_acrossReleaseExpiryAndReentry_strictlyIncrease() throws InterruptedException {
    String name = freshName();
    Holdfast client = client();
    Lease first = client.acquire(name, Duration.ofSeconds(5));
    Lease reentered = client.acquire(AcquireRequest.of(name, Duration.ofSeconds(5)).withOwner(first.owner()));
    reentered.release();
    first.release();
    Lease afterRelease = client.acquire(name, Duration.ofSeconds(5));
    afterRelease.release();
    Lease expiring = client.acquire(AcquireRequest.of(name, Duration.ofMillis(100)).withoutAutoRenew());
    Thread.sleep(250);
    Lease afterExpiry = client.acquire(name, Duration.ofSeconds(5));
    afterExpiry.release();
    assertThat(reentered.fencingToken()).isEqualTo(first.fencingToken());
    assertThat(List.of(first.fencingToken(), afterRelease.fencingToken(), expiring.fencingToken(),
        afterExpiry.fencingToken())).isSortedAccordingTo(FencingToken::compareTo).doesNotHaveDuplicates();
  }

  @Test
  void expiry_holderStopsRenewing_otherClientAcquiresAfterTtl() {
    String name = freshName();
    Holdfast holder = client();
    Holdfast other = client();
    long beforeSend = System.nanoTime();
    Lease abandoned = holder.acquire(AcquireRequest.of(name, EXPIRY_TTL).withoutAutoRenew());
    Lease next = other.acquire(AcquireRequest.of(name, Duration.ofSeconds(5)).withWait(Duration.ofSeconds(5)));
    Duration grantedAfter = Duration.ofNanos(System.nanoTime() - beforeSend);
    assertThat(grantedAfter).as("other owner granted %d ms after the holder's acquire was sent",
        grantedAfter.toMillis()).isGreaterThanOrEqualTo(earliestTakeover(EXPIRY_TTL));
    // No upper bound of the machine's speed: the grant came within the other's 5 s wait, or acquire had thrown.
    assertThat(abandoned.isValid()).isFalse();
    assertThat(next.fencingToken()).isGreaterThan(abandoned.fencingToken());
    next.release();
  }

  @Test
  void expiry_otherClientTryingThroughout_notGrantedBeforeTtlMinusDrift() throws InterruptedException {
    String name = freshName();
    Holdfast holder = client();
    Holdfast other = client();
    long beforeSend = System.nanoTime();
    Lease abandoned = holder.acquire(AcquireRequest.of(name, EXPIRY_TTL).withoutAutoRenew());
    Optional<Lease> next = Optional.empty();
    // Ask without waiting, again and again: the grant shows within one attempt of when the backend first allows
    // it, whatever remaining TTL its busy answers report.
    while (next.isEmpty() && System.nanoTime() - beforeSend < EXPIRY_TTL.plusSeconds(5).toNanos()) {
      next = other.tryAcquire(AcquireRequest.of(name, Duration.ofSeconds(5)).withWait(Duration.ZERO));
      Thread.sleep(5);
    }
    Duration grantedAfter = Duration.ofNanos(System.nanoTime() - beforeSend);
    assertThat(next).as("granted once the TTL passed").isPresent();
    assertThat(grantedAfter).as("other owner granted %d ms after the holder's acquire was sent",
        grantedAfter.toMillis()).isGreaterThanOrEqualTo(earliestTakeover(EXPIRY_TTL));
    assertThat(abandoned.isValid()).isFalse();
    assertThat(next.get().fencingToken()).isGreaterThan(abandoned.fencingToken());
    next.get().release();
  }

  /**
   * The earliest time after the holder's acquire was sent at which a backend may grant the lock to another owner
   * once the holder stops renewing: the TTL, less only the documented drift allowance
   * ({@link HoldfastOptions#driftAllowance}, the clock-rate margin of the holder's local validity deadline).
   *
   * <p>Why measuring this way is sound on a loaded machine: the start is read before the holder's acquire is sent,
   * so the backend's lease began later, and the end is read after the other's grant returned, so it was granted
   * earlier; load only lengthens the measured time, never shortens it.
   *
   * @param ttl the holder's TTL
   * @return TTL minus the drift allowance of the options under test
   */
  protected Duration earliestTakeover(Duration ttl) {
    return ttl.minus(options().build().driftAllowance(ttl));
  }

  @Test
  void release_afterExpiryAndTakeover_failsWithLeaseLostAndChangesNothing() throws InterruptedException {
    String name = freshName();
    Lease stale = client().acquire(AcquireRequest.of(name, Duration.ofMillis(100)).withoutAutoRenew());
    Thread.sleep(200);
    Holdfast other = client();
    try (Lease current = other.acquire(name, Duration.ofSeconds(10))) {
      assertThatThrownBy(stale::release).isInstanceOf(LeaseLostException.class)
          .hasMessageContaining(name);
      assertThatThrownBy(stale::renew).isInstanceOf(InvalidArgumentException.class); // release() ended this hold
      assertThat(other.inspect(name)).get().extracting(LockState::owner).isEqualTo(current.owner());
      assertThat(current.isValid()).isTrue();
    }
  }

  @Test
  void renew_nonOwnerAfterTakeover_failsAndFiresListener() throws InterruptedException {
    String name = freshName();
    List<String> lost = new ArrayList<>();
    Lease stale = client().acquire(AcquireRequest.of(name, Duration.ofMillis(100)).withoutAutoRenew()
        .onLeaseLost((lease, reason) -> {
          synchronized (lost) {
            lost.add(reason.name());
          }
        }));
    Thread.sleep(200);
    try (Lease current = client().acquire(name, Duration.ofSeconds(10))) {
      assertThatThrownBy(stale::renew).isInstanceOf(LeaseLostException.class);
      // Without auto-renewal the listener hears of the loss at the local deadline (EXPIRED), before the renewal
      // that then finds another owner; it is told once.
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        synchronized (lost) {
          assertThat(lost).containsExactly("EXPIRED");
        }
      });
      assertThat(current.isValid()).isTrue();
    }
  }

  @Test
  void autoRenewal_holdPastSeveralTtls_keepsLeaseAndExcludesOthers() throws InterruptedException {
    String name = freshName();
    Holdfast holder = client();
    // Held for 2 TTLs (about six renewals); a 2 s TTL outlasts the second-long stalls of a loaded 2-core machine.
    try (Lease lease = holder.acquire(name, Duration.ofSeconds(2))) {
      for (int i = 0; i < 6; i++) {
        Thread.sleep(700);
        assertThat(lease.isValid()).as("valid after %d ms", (i + 1) * 700).isTrue();
        assertThat(client().tryAcquire(AcquireRequest.of(name, Duration.ofSeconds(1))
            .withWait(Duration.ZERO))).isEmpty();
      }
    }
    assertThat(client().tryAcquire(AcquireRequest.of(name, Duration.ofSeconds(1)).withWait(Duration.ZERO))).isPresent();
  }

  @Test
  void release_calledTwice_secondFailsButCloseIsQuiet() {
    Lease lease = client().acquire(freshName(), Duration.ofSeconds(5));
    lease.release();
    assertThat(lease.isValid()).isFalse();
    assertThatThrownBy(lease::release).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("already released");
    lease.close();
  }

  @Test
  void inspect_heldLock_reportsOwnerTokenAndRemainingTtl() {
    String name = freshName();
    Holdfast client = client();
    try (Lease lease = client.acquire(name, Duration.ofSeconds(10))) {
      LockState state = client.inspect(name).orElseThrow();
      assertThat(state.owner()).isEqualTo(lease.owner());
      assertThat(state.fencingToken()).isEqualTo(lease.fencingToken());
      assertThat(state.holdCount()).isEqualTo(1);
      assertThat(state.remainingTtl()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }
    assertThat(client.inspect(name)).isEmpty();
  }

  @Test
  void close_clientHoldingLeases_releasesThemForOthers() {
    String name = freshName();
    Holdfast closing = Holdfast.connect(options().build());
    closing.acquire(name, Duration.ofSeconds(30));
    closing.close();
    assertThat(client().tryAcquire(AcquireRequest.of(name, Duration.ofSeconds(5)).withWait(Duration.ZERO))).isPresent();
    assertThatThrownBy(() -> closing.acquire(freshName(), Duration.ofSeconds(1)))
        .isInstanceOf(HoldfastException.class)
        .satisfies(e -> assertThat(((HoldfastException) e).code()).isEqualTo(ErrorCode.CLOSED));
  }

  @Test
  void ownerToken_sharedAcrossClients_reentersFromTheOtherClient() {
    String name = freshName();
    OwnerToken job = OwnerToken.of("job-" + UUID.randomUUID());
    Lease first = client().acquire(AcquireRequest.of(name, Duration.ofSeconds(5)).withOwner(job));
    Lease second = client().acquire(AcquireRequest.of(name, Duration.ofSeconds(5)).withOwner(job));
    assertThat(second.fencingToken()).isEqualTo(first.fencingToken());
    assertThat(second.holdCount()).isEqualTo(2);
    second.release();
    first.release();
  }
}
