package io.holdfast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a lease ends when the local view and the backend disagree: attempts never sent do not start validity,
 * release asks the backend whatever the local view, and a lease without automatic renewal reports its expiry.
 */
@Timeout(30)
class LeaseLossTest {
  private final ScriptedBackend backend = new ScriptedBackend();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LockClient client = new LockClient(HoldfastOptions.builder().embedded().meterRegistry(registry)
      .clientName("lease-loss-test").backoff(Duration.ofMillis(20), Duration.ofMillis(20))
      .retryBudget(Duration.ofSeconds(2)).build(), backend);

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void leaseLostListener_withoutAutoRenewPastDeadline_firesExpiredOnce() {
    List<LeaseLostReason> reasons = new CopyOnWriteArrayList<>();
    Lease lease = client.acquire(AcquireRequest.of("expires", Duration.ofMillis(100)).withoutAutoRenew()
        .onLeaseLost((lost, reason) -> reasons.add(reason)));

    await().atMost(Duration.ofSeconds(5)).until(() -> !reasons.isEmpty());
    assertThat(reasons).containsExactly(LeaseLostReason.EXPIRED);
    assertThat(lease.isValid()).isFalse();
    assertThat(registry.counter("holdfast.lease.lost", "client", "lease-loss-test", "reason", "expired").count())
        .isEqualTo(1.0);
    assertThat(backend.renewCalls.get()).as("no automatic renewal").isZero();
  }

  @Test
  void leaseLostListener_withoutAutoRenewRenewedByHand_doesNotFireBeforeTheNewDeadline() {
    List<LeaseLostReason> reasons = new CopyOnWriteArrayList<>();
    long[] firedAt = new long[1];
    Lease lease = client.acquire(AcquireRequest.of("renewed-by-hand", Duration.ofSeconds(2)).withoutAutoRenew()
        .onLeaseLost((lost, reason) -> {
          firedAt[0] = System.nanoTime();
          reasons.add(reason);
        }));
    lease.renew();
    long renewedDeadline = deadline(lease);
    await().atMost(Duration.ofSeconds(10)).until(() -> !reasons.isEmpty());

    assertThat(reasons).containsExactly(LeaseLostReason.EXPIRED);
    assertThat(firedAt[0] - renewedDeadline).as("fired at or after the deadline the renewal set")
        .isGreaterThanOrEqualTo(0);
    assertThat(lease.isValid()).isFalse();
    assertThat(backend.renewCalls.get()).as("only the renewal by hand").isEqualTo(1);
  }

  @Test
  void release_declaredLostButStillHeldInBackend_releasesItAndSucceeds() {
    backend.backendTtlFactor = 100;
    List<LeaseLostReason> reasons = new CopyOnWriteArrayList<>();
    Lease lease = client.acquire(AcquireRequest.of("kept", Duration.ofMillis(100)).withoutAutoRenew()
        .onLeaseLost((lost, reason) -> reasons.add(reason)));
    await().atMost(Duration.ofSeconds(5)).until(() -> !reasons.isEmpty());
    assertThat(client.inspect("kept")).isPresent();

    lease.release();

    assertThat(client.inspect("kept")).isEmpty();
    assertThat(lease.isValid()).isFalse();
  }

  @Test
  void release_declaredLostAndExpiredInBackend_throwsLeaseLostAfterAsking() {
    List<LeaseLostReason> reasons = new CopyOnWriteArrayList<>();
    Lease lease = client.acquire(AcquireRequest.of("gone", Duration.ofMillis(50)).withoutAutoRenew()
        .onLeaseLost((lost, reason) -> reasons.add(reason)));
    await().atMost(Duration.ofSeconds(5)).until(() -> !reasons.isEmpty());
    await().atMost(Duration.ofSeconds(5)).until(() -> client.inspect("gone").isEmpty());
    int releasesBefore = backend.releaseCalls.get();

    assertThatThrownBy(lease::release).isInstanceOf(LeaseLostException.class).hasMessageContaining("gone");
    assertThat(backend.releaseCalls.get() - releasesBefore).isEqualTo(1);
  }

  @Test
  void release_declaredLostAndBackendUnreachable_throwsLeaseLostWithTheOutageSuppressed() {
    List<LeaseLostReason> reasons = new CopyOnWriteArrayList<>();
    Lease lease = client.acquire(AcquireRequest.of("lost-offline", Duration.ofMillis(50)).withoutAutoRenew()
        .onLeaseLost((lost, reason) -> reasons.add(reason)));
    await().atMost(Duration.ofSeconds(5)).until(() -> !reasons.isEmpty());
    backend.releaseUnreachable = true;

    assertThatThrownBy(lease::release).isInstanceOf(LeaseLostException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).hasAtLeastOneElementOfType(BackendUnavailableException.class));
    assertThat(backend.releaseCalls.get()).as("the release was tried, and retried").isGreaterThan(1);
  }

  @Test
  void release_validLeaseAndBackendUnreachable_throwsBackendUnavailable() {
    Lease lease = client.acquire(AcquireRequest.of("valid-offline", Duration.ofSeconds(30)));
    backend.releaseUnreachable = true;

    assertThatThrownBy(lease::release).isInstanceOf(BackendUnavailableException.class);
  }

  /*
   * Attempts rejected before they were sent cannot have been granted, so validity counts from the attempt that
   * reached the backend: the lease keeps at least the time the rejections took out of its local deadline.
   */
  @Test
  void acquire_attemptsRejectedUnsent_validityCountsFromTheAttemptThatWasSent() {
    backend.rejectUnsent.set(10);
    Lease lease = client.acquire(AcquireRequest.of("after-outage", Duration.ofSeconds(2)).withoutAutoRenew());

    assertThat(backend.acquireCalls.get()).isEqualTo(11);
    assertThat(deadline(lease)).as("counted from the sent attempt, which followed the last rejection")
        .isGreaterThan(backend.lastRejectedNanos + Duration.ofSeconds(2).toNanos() - drift());
  }

  @Test
  void acquire_ambiguousFailureThenRejections_validityStillCountsFromTheAmbiguousAttempt() {
    backend.loseNextReply.set(true);
    backend.rejectUnsent.set(5);
    Lease lease = client.acquire(AcquireRequest.of("ambiguous", Duration.ofSeconds(2)).withoutAutoRenew());

    assertThat(backend.acquireCalls.get()).isEqualTo(7);
    assertThat(deadline(lease)).as("the lost reply may have been the grant")
        .isLessThanOrEqualTo(backend.firstCallNanos + Duration.ofSeconds(2).toNanos() - drift());
  }

  private static long deadline(Lease lease) {
    return ((HeldLease) lease).grant().validUntilNanos();
  }

  private long drift() {
    return client.options().driftAllowance(Duration.ofSeconds(2)).toNanos();
  }

  /** The embedded backend with a few switchable behaviours this test needs. */
  private static final class ScriptedBackend implements LockBackend {
    private static final class NotSent extends RuntimeException {
      private static final long serialVersionUID = 1L;

      NotSent() {
        super("rejected: not connected");
      }
    }

    private static final class LostReply extends RuntimeException {
      private static final long serialVersionUID = 1L;

      LostReply() {
        super("reply lost");
      }
    }

    private final LockBackend delegate = EmbeddedBackend.open(URI.create("embedded:loss-" + System.nanoTime()));
    final AtomicInteger rejectUnsent = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicBoolean loseNextReply = new java.util.concurrent.atomic.AtomicBoolean();
    final AtomicInteger acquireCalls = new AtomicInteger();
    final AtomicInteger renewCalls = new AtomicInteger();
    final AtomicInteger releaseCalls = new AtomicInteger();
    volatile int backendTtlFactor = 1;
    volatile boolean releaseUnreachable;
    volatile long firstCallNanos;
    volatile long lastRejectedNanos;

    @Override
    public CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl, long id) {
      if (acquireCalls.getAndIncrement() == 0) {
        firstCallNanos = System.nanoTime();
      }
      if (loseNextReply.compareAndSet(true, false)) {
        delegate.tryAcquire(name, owner, ttl.multipliedBy(backendTtlFactor), id);
        return CompletableFuture.failedFuture(new LostReply());
      }
      if (rejectUnsent.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        lastRejectedNanos = System.nanoTime();
        return CompletableFuture.failedFuture(new NotSent());
      }
      return delegate.tryAcquire(name, owner, ttl.multipliedBy(backendTtlFactor), id);
    }

    @Override
    public CompletableFuture<ReleaseOutcome> release(LockName name, OwnerToken owner, FencingToken token, long id) {
      releaseCalls.incrementAndGet();
      if (releaseUnreachable) {
        return CompletableFuture.failedFuture(new NotSent());
      }
      return delegate.release(name, owner, token, id);
    }

    @Override
    public CompletableFuture<List<Boolean>> renew(List<RenewRequest> leases) {
      renewCalls.incrementAndGet();
      return delegate.renew(leases);
    }

    @Override
    public CompletableFuture<Optional<LockState>> inspect(LockName name) {
      return delegate.inspect(name);
    }

    @Override
    public CompletableFuture<ReleaseSubscription> subscribe(LockName name, Runnable onRelease) {
      return delegate.subscribe(name, onRelease);
    }

    @Override
    public boolean isTransient(Throwable failure) {
      return failure instanceof NotSent || failure instanceof LostReply;
    }

    @Override
    public boolean neverSent(Throwable failure) {
      return failure instanceof NotSent;
    }

    @Override
    public String describe() {
      return "scripted-embedded";
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
