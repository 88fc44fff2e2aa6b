package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LockState;
import io.holdfast.api.v1.ForceReleaseRequest;
import io.holdfast.api.v1.ListLocksRequest;
import io.holdfast.api.v1.ListWaitersRequest;
import io.holdfast.api.v1.LockInfo;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two service instances on one Redis are one service: a lock taken through one is seen, waited on, listed and
 * released through the other, and a client given both moves to the survivor when one stops.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TwoInstancesIT {
  private static final Duration RECHECK = Duration.ofSeconds(20);
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer first;
  private static HoldfastServer second;

  @BeforeAll
  static void start() {
    first = HoldfastServer.start(config());
    second = HoldfastServer.start(config());
  }

  private static ServerConfig config() {
    return ServerConfig.builder().port(0).redis(URI.create(redis.uri())).shutdownGrace(Duration.ofSeconds(1))
        .build();
  }

  @AfterAll
  static void stop() {
    first.close();
    second.close();
  }

  @Test
  void lockViaFirst_seenWaitedListedAndHandedOverViaSecond() throws Exception {
    String name = "shared/" + UUID.randomUUID();
    try (Holdfast viaFirst = Holdfast.connect(first.uri().toString());
         Holdfast viaSecond = Holdfast.connect(HoldfastOptions.builder().backend(second.uri().toString())
             .recheckInterval(RECHECK).build())) {
      Lease held = viaFirst.acquire(name, Duration.ofSeconds(10));
      assertThat(viaSecond.inspect(name)).get().extracting(LockState::fencingToken).isEqualTo(held.fencingToken());
      CompletableFuture<Lease> waiting = viaSecond.acquireAsync(AcquireRequest.of(name, Duration.ofSeconds(10)));
      TestStubs admin = new TestStubs(second, null);
      assertThat(admin.admin.listLocks(ListLocksRequest.newBuilder().setPrefix("shared/").build()).getLocksList())
          .extracting(LockInfo::getName).contains(name);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.admin
          .listWaiters(ListWaitersRequest.newBuilder().setName(name).build()).getWaitersCount()).isEqualTo(1));
      assertThat(waiting).isNotDone();
      long released = System.nanoTime();
      held.release();
      Lease handedOver = waiting.get(30, TimeUnit.SECONDS);
      // The waiter re-checks only every 20 s (the lease had 10 s of renewals ahead): sooner means it was woken by
      // the release, which went from the first instance through Redis to the second.
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released)).as("woken by the release")
          .isLessThan(RECHECK.toMillis());
      assertThat(handedOver.fencingToken()).isGreaterThan(held.fencingToken());
      handedOver.release();
    }
  }

  @Test
  void forceReleaseViaSecond_holderOnFirst_losesLeaseAndNextTokenIsLarger() throws Exception {
    String name = "forced/" + UUID.randomUUID();
    try (Holdfast viaFirst = Holdfast.connect(first.uri().toString())) {
      CompletableFuture<String> lost = new CompletableFuture<>();
      Lease held = viaFirst.acquire(AcquireRequest.of(name, Duration.ofMillis(600))
          .onLeaseLost((lease, reason) -> lost.complete(reason.name())));
      TestStubs admin = new TestStubs(second, null);
      assertThat(admin.admin.forceRelease(ForceReleaseRequest.newBuilder().setName(name).build())
          .getFencingToken()).isEqualTo(held.fencingToken().value());
      assertThat(lost.get(5, TimeUnit.SECONDS)).isEqualTo("NOT_OWNER");
      Lease next = viaFirst.acquire(name, Duration.ofSeconds(5));
      assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
      next.release();
    }
  }

  @Test
  void clientWithBothHosts_oneInstanceStops_keepsWorkingThroughTheOther() throws Exception {
    HoldfastServer third = HoldfastServer.start(config());
    String uri = "holdfast://127.0.0.1:" + third.port() + ",127.0.0.1:" + second.port();
    try (Holdfast client = Holdfast.connect(uri)) {
      Lease held = client.acquire("failover/" + UUID.randomUUID(), Duration.ofSeconds(3));
      third.close();
      for (int i = 0; i < 5; i++) {
        Thread.sleep(1_000);
        assertThat(held.isValid()).as("renewed through the surviving instance").isTrue();
        try (Lease other = client.acquire("failover/" + UUID.randomUUID(), Duration.ofSeconds(3))) {
          assertThat(other.isValid()).isTrue();
        }
      }
      held.release();
    } finally {
      third.close();
    }
  }
}
