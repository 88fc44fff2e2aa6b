package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.AcquireRequest;
import io.holdfast.DeadlockException;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.OwnerToken;
import io.holdfast.WaitCycle;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deadlock detection in the lock service, on two instances over one Redis: each party is a client with its own
 * session (and one owner for all its locks), the wait that closes a cycle fails with DEADLOCK naming it, well before
 * its wait runs out, and the others proceed once the victim releases; over HTTP/JSON it is a 409.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeadlockDetectionServiceIT {
  static final Duration LONG_WAIT = Duration.ofSeconds(60);
  static final Duration TTL = Duration.ofSeconds(30);

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  static HoldfastServer first;
  static HoldfastServer second;

  /*
   * With the requester rule, a member re-arming its wait just as another closes the cycle would find it too and also
   * fail: these instances re-check rarely (every wake-up here comes from a release), so only the closer fails.
   */
  @BeforeAll
  static void start() {
    first = HoldfastServer.start(config(redis.uri(), Duration.ofSeconds(60)));
    second = HoldfastServer.start(config(redis.uri(), Duration.ofSeconds(60)));
  }

  static ServerConfig config(String redisUri, Duration recheck) {
    return ServerConfig.builder().port(0).redis(URI.create(redisUri)).lockDelay(Duration.ofSeconds(2))
        .recheckInterval(recheck).shutdownGrace(Duration.ofSeconds(1)).build();
  }

  @AfterAll
  static void stop() {
    first.close();
    second.close();
  }

  @Test
  void twoParties_acrossInstances_closerFailsAtOnceAndOtherProceedsAfterRelease() throws Exception {
    String x = "dl2/x-" + UUID.randomUUID();
    String y = "dl2/y-" + UUID.randomUUID();
    OwnerToken a = owner("a");
    OwnerToken b = owner("b");
    try (Holdfast viaFirst = Holdfast.connect(first.uri().toString());
         Holdfast viaSecond = Holdfast.connect(second.uri().toString())) {
      viaFirst.acquire(AcquireRequest.of(x, TTL).withOwner(a));
      Lease yHeld = viaSecond.acquire(AcquireRequest.of(y, TTL).withOwner(b));
      CompletableFuture<Lease> aWaits = waitFor(viaFirst, y, a);

      long started = System.nanoTime();
      assertThatThrownBy(() -> viaSecond.acquire(AcquireRequest.of(x, TTL).withOwner(b).withWait(LONG_WAIT)))
          .isInstanceOfSatisfying(DeadlockException.class, e -> assertCycle(e.cycle(), List.of(b, a), List.of(x, y)));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("failed well before its wait ran out")
          .isLessThan(LONG_WAIT.dividedBy(2));

      yHeld.release();
      assertThat(aWaits.get(30, TimeUnit.SECONDS).isValid()).as("the other party proceeds").isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> waitKeys().isEmpty());
    }
  }

  @Test
  void threeParties_acrossInstances_closerFailsNamingAllThreeAndOthersProceed() throws Exception {
    String x = "dl3/x-" + UUID.randomUUID();
    String y = "dl3/y-" + UUID.randomUUID();
    String z = "dl3/z-" + UUID.randomUUID();
    OwnerToken a = owner("a");
    OwnerToken b = owner("b");
    OwnerToken c = owner("c");
    try (Holdfast ca = Holdfast.connect(first.uri().toString());
         Holdfast cb = Holdfast.connect(second.uri().toString());
         Holdfast cc = Holdfast.connect(first.uri().toString())) {
      Lease xHeld = ca.acquire(AcquireRequest.of(x, TTL).withOwner(a));
      Lease yHeld = cb.acquire(AcquireRequest.of(y, TTL).withOwner(b));
      Lease zHeld = cc.acquire(AcquireRequest.of(z, TTL).withOwner(c));
      CompletableFuture<Lease> aWaits = waitFor(ca, y, a);
      CompletableFuture<Lease> bWaits = waitFor(cb, z, b);

      assertThatThrownBy(() -> cc.acquire(AcquireRequest.of(x, TTL).withOwner(c).withWait(LONG_WAIT)))
          .isInstanceOfSatisfying(DeadlockException.class,
              e -> assertCycle(e.cycle(), List.of(c, a, b), List.of(x, y, z)));

      zHeld.release();
      Lease bGot = bWaits.get(30, TimeUnit.SECONDS);
      bGot.release();
      yHeld.release();
      assertThat(aWaits.get(30, TimeUnit.SECONDS).isValid()).isTrue();
      xHeld.release();
    }
  }

  @Test
  void overHttpJson_deadlock_is409WithReasonAndCycle() throws Exception {
    String x = "dlh/x-" + UUID.randomUUID();
    String y = "dlh/y-" + UUID.randomUUID();
    OwnerToken a = owner("a");
    TestStubs http = new TestStubs(second, null);
    String session = http.openSession(30_000);
    try (Holdfast viaFirst = Holdfast.connect(first.uri().toString())) {
      viaFirst.acquire(AcquireRequest.of(x, TTL).withOwner(a));
      assertThat(http.post("/v1/locks/acquire", "{\"sessionId\":\"" + session + "\",\"name\":\"" + y + "\"}")
          .statusCode()).isEqualTo(200);
      CompletableFuture<Lease> aWaits = waitFor(viaFirst, y, a);

      HttpResponse<String> response = http.post("/v1/locks/acquire", "{\"sessionId\":\"" + session
          + "\",\"name\":\"" + x + "\",\"waitTimeoutMs\":\"60000\"}");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
      assertThat(response.body()).contains("\"grpc-code\":\"ABORTED\"", "\"reason\":\"DEADLOCK\"",
          "\"error_code\":\"DEADLOCK\"", "\"cycle_length\":\"2\"", "\"cycle_lock_0\":\"" + x + "\"",
          "\"cycle_lock_1\":\"" + y + "\"", "\"cycle_owner_0\":\"" + session + " " + session + "\"");
      http.post("/v1/sessions/close", "{\"sessionId\":\"" + session + "\"}");
      assertThat(aWaits.get(30, TimeUnit.SECONDS).isValid()).isTrue();
    }
  }

  /** Starts {@code owner}'s wait for {@code name} and returns once its wait edge is recorded in Redis. */
  static CompletableFuture<Lease> waitFor(Holdfast client, String name, OwnerToken owner) {
    CompletableFuture<Lease> waiting = client.acquireAsync(AcquireRequest.of(name, TTL).withOwner(owner)
        .withWait(LONG_WAIT));
    await().atMost(Duration.ofSeconds(20)).until(() -> waitKeys().stream()
        .anyMatch(key -> String.valueOf(key).endsWith(" " + owner + "}")));
    assertThat(waiting).isNotDone();
    return waiting;
  }

  static void assertCycle(WaitCycle cycle, List<OwnerToken> owners, List<String> locks) {
    assertThat(cycle.locks()).containsExactlyElementsOf(locks);
    assertThat(cycle.owners()).hasSize(owners.size());
    for (int i = 0; i < owners.size(); i++) {
      assertThat(cycle.owners().get(i)).as("a session's party ends with its owner").endsWith(" " + owners.get(i));
    }
  }

  static OwnerToken owner(String party) {
    return OwnerToken.of(party + "-" + UUID.randomUUID());
  }

  @SuppressWarnings("unchecked")
  static List<Object> waitKeys() {
    return (List<Object>) redis.server().command("KEYS", "holdfast:waits:*");
  }
}
