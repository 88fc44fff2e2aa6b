package io.holdfast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LockClientEngineTest {
  private final FaultyBackend backend = new FaultyBackend();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private LockClient client = client(HoldfastOptions.builder());

  /*
   * A retry budget of 2 s, not less: a retried call must still be inside the budget when its first failure is
   * delivered, which a loaded 2-core machine can delay by several hundred ms (a 500 ms budget failed
   * release_replyLost_retryReportsReleased there). The down-past-budget tests wait the budget out once.
   */
  private LockClient client(HoldfastOptions.Builder builder) {
    return new LockClient(builder.embedded().meterRegistry(registry).clientName("engine-test")
        .backoff(Duration.ofMillis(1), Duration.ofMillis(20)).retryBudget(Duration.ofSeconds(2)).build(), backend);
  }

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void renewal_10000HeldLeases_oneBackendCallPerPeriod() throws InterruptedException {
    // A 10 s TTL renewed every tenth (1 s): long enough that acquiring 10,000 leases on a loaded machine
    // cannot let any expire, short enough to see several periods.
    client.close();
    client = client(HoldfastOptions.builder().renewalFraction(0.1));
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      leases.add(client.acquire("batch/" + i, Duration.ofSeconds(10)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.renewedLeases.get() >= 10_000);
    int callsBefore = backend.renewCalls.get();
    int leasesBefore = backend.renewedLeases.get();
    // Three periods' worth of renewal calls, however long a loaded machine takes to make them (both counters move
    // together, at each call): batching means each call carries about all 10,000 leases, not a few.
    await().atMost(Duration.ofSeconds(20)).until(() -> backend.renewCalls.get() - callsBefore >= 3);
    int calls = backend.renewCalls.get() - callsBefore;
    int renewed = backend.renewedLeases.get() - leasesBefore;
    assertThat(renewed).as("leases renewed in %d calls", calls).isGreaterThanOrEqualTo(calls * 9_000);
    assertThat(leases).allMatch(Lease::isValid);
  }

  @Test
  void renewal_batchSizeCap_splitsIntoChunks() {
    client.close();
    client = client(HoldfastOptions.builder().renewalBatchSize(100).renewalFraction(0.1));
    for (int i = 0; i < 1_000; i++) {
      client.acquire("chunk/" + i, Duration.ofSeconds(10));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.renewedLeases.get() >= 1_000);
    assertThat(backend.renewCalls.get()).isGreaterThanOrEqualTo(10);
    assertThat(backend.renewedLeases.get() / backend.renewCalls.get()).isLessThanOrEqualTo(100);
  }

  @Test
  void renewal_oneLeaseUnknown_othersOfTheBatchStayValidAndItIsLostAtItsDeadline() {
    // 3 s leases renewed every second: a loaded machine's scheduling delays stay far inside the 2 s of slack.
    List<LeaseLostReason> reasons = new CopyOnWriteArrayList<>();
    Lease healthy = client.acquire(AcquireRequest.of("node-a", Duration.ofSeconds(3)));
    Lease stranded = client.acquire(AcquireRequest.of("node-b", Duration.ofSeconds(3))
        .onLeaseLost((l, reason) -> reasons.add(reason)));
    backend.unansweredNames.add("node-b");

    await().atMost(Duration.ofSeconds(10)).until(() -> !reasons.isEmpty());
    // Two more renewals of the healthy lease after the loss: it outlives the stranded one's deadline.
    int renewedAtLoss = backend.renewedLeases.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.renewedLeases.get() >= renewedAtLoss + 2);

    assertThat(reasons).containsExactly(LeaseLostReason.UNCONFIRMED);
    assertThat(stranded.isValid()).isFalse();
    assertThat(healthy.isValid()).as("a lease answered in the same batches is renewed").isTrue();
  }

  @Test
  void renewal_backendHangs_leaseLostUnconfirmedAtDeadline() {
    List<LeaseLostReason> reasons = new CopyOnWriteArrayList<>();
    Lease lease = client.acquire(AcquireRequest.of("hang", Duration.ofMillis(300))
        .onLeaseLost((l, reason) -> reasons.add(reason)));
    backend.renewHangs = true;
    // The hung renewal never answers: only the lease's own deadline can end it, so any notice is the deadline's.
    await().atMost(Duration.ofSeconds(10)).until(() -> !reasons.isEmpty());
    assertThat(reasons).containsExactly(LeaseLostReason.UNCONFIRMED);
    assertThat(lease.isValid()).isFalse();
    assertThat(registry.get("holdfast.lease.lost").tag("reason", "unconfirmed").counter().count()).isEqualTo(1);
  }

  @Test
  void acquire_replyLostTwice_retriesAndCountsOneHold() {
    backend.failNextAcquires = 2;
    Lease lease = client.acquire("retry", Duration.ofSeconds(5));
    assertThat(lease.holdCount()).isEqualTo(1);
    assertThat(backend.acquireCalls.get()).isEqualTo(3);
    assertThat(registry.get("holdfast.retries").tag("operation", "acquire").counter().count()).isEqualTo(2);
    lease.release();
    assertThat(client.inspect("retry")).isEmpty();
  }

  @Test
  void release_replyLost_retryReportsReleased() {
    Lease lease = client.acquire("release-retry", Duration.ofSeconds(5));
    backend.loseReleaseReplies = true;
    lease.release();
    assertThat(backend.releaseCalls.get()).isEqualTo(2);
    assertThat(client.inspect("release-retry")).isEmpty();
  }

  @Test
  void acquire_grantedByAttemptWhoseReplyWasLost_validityCountsFromThatAttempt() {
    backend.failNextAcquires = 1;
    backend.lostReplyDelay = Duration.ofMillis(300);
    long before = System.nanoTime();
    Lease lease = client.acquire(AcquireRequest.of("lost-grant", Duration.ofSeconds(2)).withoutAutoRenew());
    long after = System.nanoTime();

    // The embedded backend timed the lease from the first attempt, 300 ms before the retry that got the answer.
    assertThat(after - before).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
    assertThat(lease.remainingValidity()).isLessThanOrEqualTo(Duration.ofSeconds(2).minusNanos(after - before));
  }

  @Test
  void release_ofExpiredLeaseAfterLostReply_throwsLeaseLost() throws InterruptedException {
    Lease stale = client.acquire(AcquireRequest.of("expired-release", Duration.ofMillis(100)).withoutAutoRenew());
    Thread.sleep(150);
    Lease successor = client.acquire(AcquireRequest.of("expired-release", Duration.ofSeconds(5))
        .withOwner(OwnerToken.random()));
    backend.loseReleaseReplies = true;

    assertThatThrownBy(stale::release).isInstanceOf(LeaseLostException.class);
    assertThat(client.inspect("expired-release")).map(LockState::fencingToken)
        .contains(successor.fencingToken());
  }

  @Test
  void acquire_backendDownPastBudget_throwsUnavailableNamingLock() {
    backend.failAll = true;
    assertThatThrownBy(() -> client.acquire("down", Duration.ofSeconds(5)))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("down")
        .hasMessageContaining("unavailable");
    assertThat(backend.acquireCalls.get()).isGreaterThan(2);
  }

  @Test
  void tryAcquire_backendDown_throwsUnavailableRatherThanEmpty() {
    backend.failAll = true;
    assertThatThrownBy(() -> client.tryAcquire(AcquireRequest.of("down-try", Duration.ofSeconds(5))
        .withWait(Duration.ofMillis(100))))
        .isInstanceOf(BackendUnavailableException.class);
  }

  @Test
  void acquire_backendRecovers_succeedsWithinWait() throws InterruptedException {
    backend.failAll = true;
    var pending = client.tryAcquireAsync(AcquireRequest.of("recovers", Duration.ofSeconds(5))
        .withWait(Duration.ofSeconds(5)));
    Thread.sleep(150);
    backend.failAll = false;
    assertThat(pending.join()).isPresent();
  }

  @Test
  void acquire_busyAnsweredOnIoThread_retriesOnThatThreadNotTheScheduler() throws InterruptedException {
    Lease holder = client.acquire(AcquireRequest.of("io-retry", Duration.ofSeconds(5)));
    CompletableFuture<Void> gate = new CompletableFuture<>();
    backend.replyGate = gate;
    var waiter = client.tryAcquireAsync(AcquireRequest.of("io-retry", Duration.ofSeconds(5))
        .withOwner(OwnerToken.random()).withWait(Duration.ofSeconds(10)));
    // The first answer is held until the attempt has returned, then delivered on an "I/O thread", as Lettuce does.
    Thread io = new Thread(() -> gate.complete(null), "backend-io");
    io.start();
    io.join();
    await().atMost(Duration.ofSeconds(5)).until(() -> backend.acquireCalls.get() == 3);

    holder.release();

    assertThat(waiter.join()).isPresent();
    assertThat(backend.acquireThreads.subList(1, backend.acquireThreads.size()))
        .as("first attempt on the caller, the retry where its answer was delivered, the woken one where the release was")
        .containsExactly(Thread.currentThread().getName(), "backend-io", "holdfast-embedded");
  }

  @Test
  void acquire_busyAnsweredInline_retriesOnSchedulerSoItCannotRecurse() {
    Lease holder = client.acquire(AcquireRequest.of("inline-retry", Duration.ofSeconds(5)));
    var waiter = client.tryAcquireAsync(AcquireRequest.of("inline-retry", Duration.ofSeconds(5))
        .withOwner(OwnerToken.random()).withWait(Duration.ofSeconds(10)));
    await().atMost(Duration.ofSeconds(5)).until(() -> backend.acquireCalls.get() == 3);

    assertThat(backend.acquireThreads.get(2)).contains("scheduler");
    holder.release();
    assertThat(waiter.join()).isPresent();
  }

  @Test
  void acquire_anotherLocalWaiterSubscribed_joinsFirstAndSleepsAfterOneBusyAttempt() throws InterruptedException {
    Lease holder = client.acquire(AcquireRequest.of("joined", Duration.ofSeconds(5)));
    AcquireRequest waiting = AcquireRequest.of("joined", Duration.ofSeconds(5)).withWait(Duration.ofSeconds(10));
    var first = client.tryAcquireAsync(waiting.withOwner(OwnerToken.random()));
    await().atMost(Duration.ofSeconds(5)).until(() -> backend.acquireCalls.get() == 3);

    var second = client.tryAcquireAsync(waiting.withOwner(OwnerToken.random()));
    await().atMost(Duration.ofSeconds(5)).until(() -> backend.acquireCalls.get() >= 4);
    Thread.sleep(200);
    assertThat(backend.acquireCalls.get()).as("one attempt for the joining waiter, not two").isEqualTo(4);

    holder.release();
    first.join().orElseThrow().release();
    assertThat(second.join()).isPresent();
  }

  @Test
  void metrics_grantAndTimeout_recordedByOutcome() {
    Lease held = client.acquire("metered", Duration.ofSeconds(5));
    assertThat(client.tryAcquire(AcquireRequest.of("metered", Duration.ofSeconds(5))
        .withWait(Duration.ZERO))).isEmpty();
    held.release();
    assertThat(registry.get("holdfast.acquire").tag("outcome", "granted").timer().count()).isEqualTo(1);
    assertThat(registry.get("holdfast.acquire").tag("outcome", "timeout").timer().count()).isEqualTo(1);
    assertThat(registry.get("holdfast.lease.hold").timer().count()).isEqualTo(1);
  }
}
