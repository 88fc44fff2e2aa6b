package io.holdfast.server;

import static io.holdfast.server.TestStubs.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.testkit.redis.IndependentMasters;
import io.holdfast.testkit.redis.RedisServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The service starts while Redis (or some of the independent masters) is down: it binds its port, says it is
 * not ready and why, refuses requests with UNAVAILABLE, and serves without a restart once Redis answers; with
 * only a minority of independent masters down it serves at once, as the library does.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisDownAtStartIT {
  private static final Duration EVENTUALLY = Duration.ofSeconds(30);

  @Test
  void start_redisDown_unhealthyAndUnavailableThenServesWhenRedisStarts() throws Exception {
    try (RedisServer redis = RedisServer.builder().build().start()) {
      redis.stop();
      // A long re-check interval: the waiter below is woken by the release message, so the pattern
      // subscription asked for while Redis was down was made when it came up.
      ServerConfig config = ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
          .recheckInterval(Duration.ofMinutes(5)).shutdownGrace(Duration.ofSeconds(1)).build();
      try (HoldfastServer server = HoldfastServer.start(config)) {
        TestStubs client = new TestStubs(server, null);
        assertNotReadyNaming(client, redis.uri());
        assertUnavailable(client);
        redis.start();
        Awaitility.await("ready once Redis answers").atMost(EVENTUALLY)
            .until(() -> client.get("/health").statusCode() == 200);
        String holder = client.openSession(60_000);
        String waiter = client.openSession(60_000);
        String name = "late/" + UUID.randomUUID();
        AcquireResponse held = client.locks.acquire(acquire(holder, name, 0));
        assertThat(held.getAcquired()).isTrue();
        CompletableFuture<AcquireResponse> waiting =
            CompletableFuture.supplyAsync(() -> client.locks.acquire(acquire(waiter, name, 25_000)));
        Awaitility.await().atMost(EVENTUALLY).until(() -> server.describeStore().contains("Redis "));
        client.locks.release(ReleaseRequest.newBuilder().setSessionId(holder).setName(name)
            .setFencingToken(held.getFencingToken()).build());
        assertThat(waiting.get(EVENTUALLY.toSeconds(), TimeUnit.SECONDS).getAcquired()).isTrue();
      }
    }
  }

  @Test
  void start_oneOfThreeMastersDown_servesAtOnceAndUsesTheMasterOnceBack() {
    try (IndependentMasters masters = IndependentMasters.start(3)) {
      masters.master(2).stop();
      try (HoldfastServer server = startOn(masters.uri())) {
        TestStubs client = new TestStubs(server, null);
        assertThat(server.isReady()).isTrue();
        assertThat(client.get("/health").statusCode()).isEqualTo(200);
        String session = client.openSession(60_000);
        assertThat(client.locks.acquire(acquire(session, "minority/" + UUID.randomUUID(), 0)).getAcquired())
            .isTrue();
        masters.master(2).start();
        String name = "minority/" + UUID.randomUUID();
        Awaitility.await("the third master is connected and written to").atMost(EVENTUALLY).ignoreExceptions()
            .until(() -> {
              String fresh = client.openSession(60_000);
              client.locks.acquire(acquire(fresh, name + "/" + fresh, 0));
              return ((Long) masters.master(2).command("EXISTS", "holdfast:{default/" + name + "/" + fresh + "}"))
                  == 1L;
            });
      }
    }
  }

  @Test
  void start_twoOfThreeMastersDown_unavailableUntilAMajorityIsBack() {
    try (IndependentMasters masters = IndependentMasters.start(3)) {
      masters.master(0).stop();
      masters.master(1).stop();
      try (HoldfastServer server = startOn(masters.uri())) {
        TestStubs client = new TestStubs(server, null);
        assertNotReadyNaming(client, "redis-quorum://");
        assertUnavailable(client);
        masters.master(1).start();
        Awaitility.await("ready once a majority answers").atMost(EVENTUALLY)
            .until(() -> client.get("/health").statusCode() == 200);
        Awaitility.await().atMost(EVENTUALLY).ignoreExceptions().until(() -> client.locks
            .acquire(acquire(client.openSession(60_000), "majority/" + UUID.randomUUID(), 0)).getAcquired());
      }
    }
  }

  private static HoldfastServer startOn(String uri) {
    return HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(uri))
        .shutdownGrace(Duration.ofSeconds(1)).build());
  }

  private static void assertNotReadyNaming(TestStubs client, String redis) {
    HttpResponse<String> health = client.get("/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).contains("\"healthy\":false", redis, "does not answer");
    assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
  }

  private static void assertUnavailable(TestStubs client) {
    Status status = failure(() -> client.openSession(60_000));
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    HttpResponse<String> acquire = client.post("/v1/locks/acquire",
        "{\"sessionId\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"name\":\"n\"}");
    assertThat(acquire.statusCode()).isEqualTo(503);
    assertThat(acquire.body()).contains("REDIS_UNAVAILABLE");
  }

  private static AcquireRequest acquire(String session, String name, long waitMs) {
    return AcquireRequest.newBuilder().setSessionId(session).setName(name).setWaitTimeoutMs(waitMs).build();
  }
}
