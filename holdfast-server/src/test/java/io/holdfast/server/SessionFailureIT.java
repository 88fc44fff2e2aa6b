package io.holdfast.server;

import static io.holdfast.server.TestStubs.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.api.v1.KeepAliveRequest;
import io.holdfast.api.v1.ListWaitersRequest;
import io.holdfast.testkit.ChildJvm;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that die or freeze while holding locks, as real processes: the service frees their locks after the
 * session TTL plus the lock-delay, supersedes their fencing tokens, and tells a frozen client that wakes up that
 * its lease is gone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionFailureIT {
  private static final Duration SESSION_TTL = Duration.ofSeconds(2);
  private static final Duration LOCK_DELAY = Duration.ofSeconds(1);

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .lockDelay(LOCK_DELAY).recheckInterval(Duration.ofMillis(200)).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String holderUri() {
    return server.uri() + "?session-ttl=" + SESSION_TTL.toMillis() + "ms";
  }

  @Test
  void sigkill_holderProcess_lockFreeWithinSessionTtlPlusLockDelayAndTokenSuperseded() throws Exception {
    String name = "killed/" + UUID.randomUUID();
    try (ChildJvm holder = ChildJvm.start(LeaseHolderProcess.class, holderUri(), name, "30000");
         Holdfast next = Holdfast.connect(server.uri().toString())) {
      long oldToken = Long.parseLong(holder.await("ACQUIRED", Duration.ofSeconds(30)));
      holder.killHard();
      long killed = System.nanoTime();
      Lease lease = next.acquire(AcquireRequest.of(name, Duration.ofSeconds(5)).withWait(Duration.ofSeconds(15)));
      long freedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
      long bound = SESSION_TTL.plus(LOCK_DELAY).toMillis();
      // The last keep-alive went out at most TTL/3 before the kill, so the session expired between
      // 2/3 TTL and TTL after it; the lock-delay follows. Not earlier, whatever the load; how much later depends on
      // the machine (the acquire's 15 s wait bounds it, and holdfast verify's C6 measures it).
      assertThat(freedAfterMs).as("freed %d ms after SIGKILL (session TTL + lock-delay: %d ms)", freedAfterMs,
          bound).isGreaterThanOrEqualTo(SESSION_TTL.toMillis() * 2 / 3 + LOCK_DELAY.toMillis() - 250);
      assertThat(lease.fencingToken().value()).isGreaterThan(oldToken);
      lease.release();
    }
  }

  @Test
  void sigstop_holderPausedPastSessionTtl_wakesAndIsToldLeaseLost() throws Exception {
    String name = "paused/" + UUID.randomUUID();
    // The lease outlives the pause (its lock is taken over after the session TTL plus the lock-delay, well
    // within the 15 s wait), so the woken holder learns of the loss from the service, at its next renewal
    // (TTL/3 after the grant), and not from its own lease deadline, which would be UNCONFIRMED.
    Duration leaseTtl = Duration.ofSeconds(30);
    try (ChildJvm holder = ChildJvm.start(LeaseHolderProcess.class, holderUri(), name,
             Long.toString(leaseTtl.toMillis()));
         Holdfast other = Holdfast.connect(server.uri().toString())) {
      long oldToken = Long.parseLong(holder.await("ACQUIRED", Duration.ofSeconds(30)));
      holder.signal("STOP");
      Lease taken = other.acquire(AcquireRequest.of(name, Duration.ofSeconds(5)).withWait(Duration.ofSeconds(15)));
      assertThat(taken.fencingToken().value()).isGreaterThan(oldToken);
      holder.signal("CONT");
      String reason = holder.await("LOST", leaseTtl.dividedBy(3).plusSeconds(10));
      assertThat(reason).isEqualTo("SESSION_LOST");
      assertThat(taken.isValid()).isTrue();
      taken.release();
    }
  }

  @Test
  void waiter_sessionExpiresWhileWaiting_getsSessionExpiredNotTheLock() throws Exception {
    TestStubs client = new TestStubs(server, null);
    String name = "waited/" + UUID.randomUUID();
    String holderSession = client.openSession(60_000);
    client.locks.acquire(io.holdfast.api.v1.AcquireRequest.newBuilder().setSessionId(holderSession).setName(name)
        .build());
    // The waiter's session is kept alive until the service lists it as waiting, then left to expire: so it is
    // seen waiting however slowly this machine gets there, and then ends by its session alone.
    String waiterSession = client.openSession(2_000);
    ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor();
    keepAlive.scheduleWithFixedDelay(() -> client.sessions.keepAlive(KeepAliveRequest.newBuilder()
        .setSessionId(waiterSession).build()), 200, 200, TimeUnit.MILLISECONDS);
    CompletableFuture<Status> waiting = CompletableFuture.supplyAsync(() -> failure(() -> client.locks.acquire(
        io.holdfast.api.v1.AcquireRequest.newBuilder().setSessionId(waiterSession).setName(name)
            .setWaitTimeoutMs(30_000).build())));
    long start;
    try {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.admin.listWaiters(
          ListWaitersRequest.newBuilder().setName(name).build()).getWaitersList())
          .singleElement().satisfies(w -> assertThat(w.getSessionId()).isEqualTo(waiterSession)));
    } finally {
      keepAlive.shutdownNow();
      keepAlive.awaitTermination(5, TimeUnit.SECONDS);
      start = System.nanoTime();
    }
    Status status = waiting.get(20, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(status.getDescription()).contains("session " + waiterSession + " has expired");
    assertThat(tookMs).as("ended by the 2 s session's expiry, not by the 30 s wait").isLessThan(15_000);
    assertThat(client.admin.listWaiters(ListWaitersRequest.newBuilder().setName(name).build()).getWaitersList())
        .isEmpty();
  }
}
