package io.holdfast.server;

import static io.holdfast.server.TestStubs.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.InspectRequest;
import io.holdfast.api.v1.KeepAliveRequest;
import io.holdfast.api.v1.ListWaitersRequest;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Operating the service: metrics, graceful shutdown, and sessions that outlive a service restart. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceOperationsIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static ServerConfig config() {
    return ServerConfig.builder().port(0).redis(URI.create(redis.uri())).lockDelay(Duration.ofMillis(300))
        .shutdownGrace(Duration.ofSeconds(2)).build();
  }

  @Test
  void metrics_afterTraffic_exposeRequestsSessionsLocksWaitersAndExpiries() throws Exception {
    ServerConfig longDelay = ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .lockDelay(Duration.ofSeconds(5)).shutdownGrace(Duration.ofSeconds(1)).build();
    try (HoldfastServer server = HoldfastServer.start(longDelay)) {
      TestStubs client = new TestStubs(server, null);
      String session = client.openSession(0);
      String expiring = client.openSession(1_000);
      client.locks.acquire(AcquireRequest.newBuilder().setSessionId(session).setName("m").build());
      client.locks.acquire(AcquireRequest.newBuilder().setSessionId(expiring).setName("n").build());
      Thread.sleep(1_500);
      client.locks.tryAcquire(AcquireRequest.newBuilder().setSessionId(session).setName("n").build());
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.get("/metrics").body())
          .contains("holdfast_server_requests_seconds_count{operation=\"acquire\",status=\"OK\"} 2")
          .containsPattern("holdfast_server_sessions_active [1-9]")
          .containsPattern("holdfast_server_locks_held [1-9]")
          .containsPattern("holdfast_server_session_expiries_total [1-9]")
          .containsPattern("holdfast_server_lock_delay_hits_total [1-9]")
          .contains("holdfast_server_waiters ", "holdfast_server_redis_errors_total ", "holdfast_server_redis_up 1")
          .contains("jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads", "process_cpu_usage",
              "process_uptime_seconds", "holdfast_server_auth_failures_total"));
    }
  }

  @Test
  void shutdown_waitingAcquire_endsAbortedAndSessionsSurviveRestart() throws Exception {
    String name = "restart/" + UUID.randomUUID();
    String session;
    long token;
    CompletableFuture<Status> waiting;
    try (HoldfastServer first = HoldfastServer.start(config())) {
      TestStubs client = new TestStubs(first, null);
      session = client.openSession(30_000);
      token = client.locks.acquire(AcquireRequest.newBuilder().setSessionId(session).setName(name).build())
          .getFencingToken();
      String waiter = client.openSession(30_000);
      waiting = CompletableFuture.supplyAsync(() -> failure(() -> client.locks.acquire(AcquireRequest.newBuilder()
          .setSessionId(waiter).setName(name).setWaitTimeoutMs(30_000).build())));
      // Shut down only once the acquire waits on this instance: one still on its way would meet a closed port.
      await().atMost(Duration.ofSeconds(10)).until(() -> client.admin.listWaiters(ListWaitersRequest.newBuilder()
          .setName(name).build()).getWaitersCount() == 1);
    }
    Status ended = waiting.get(5, TimeUnit.SECONDS);
    assertThat(ended.getCode()).isEqualTo(Status.Code.ABORTED);
    try (HoldfastServer second = HoldfastServer.start(config())) {
      TestStubs client = new TestStubs(second, null);
      assertThat(client.sessions.keepAlive(KeepAliveRequest.newBuilder().setSessionId(session).build()).getTtlMs())
          .isEqualTo(30_000);
      assertThat(client.locks.inspect(InspectRequest.newBuilder().setName(name).build()).getFencingToken())
          .isEqualTo(token);
    }
  }
}
