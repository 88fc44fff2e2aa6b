package io.holdfast.server;

import static io.holdfast.server.TestStubs.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.api.v1.OpenSessionRequest;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis going away: requests fail fast with UNAVAILABLE instead of hanging, readiness turns unhealthy, and both
 * recover by themselves when Redis is back; clients in the middle of traffic carry on, with larger tokens.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisOutageIT {
  private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .redisTimeout(REDIS_TIMEOUT).shutdownGrace(Duration.ofSeconds(1)).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void redisKilledThenRestarted_failsFastUnhealthyThenRecovers() {
    TestStubs client = new TestStubs(server, null);
    redis.server().kill();
    long start = System.nanoTime();
    Status status = failure(() -> client.openSession(0));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("fail fast").isLessThan(1_500);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).contains("Redis at", "is unavailable");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> client.get("/health").statusCode() == 503);
    assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
    redis.server().restart();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> client.get("/health").statusCode() == 200);
    Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> !client.openSession(0).isEmpty());
    assertThat(client.get("/metrics").body()).containsPattern("holdfast_server_redis_errors_total [1-9]");
  }

  @Test
  void redisPaused_requestTimesOutAsUnavailable() {
    TestStubs client = new TestStubs(server, null);
    redis.server().pause();
    try {
      long start = System.nanoTime();
      Status status = failure(() -> client.sessions.openSession(OpenSessionRequest.getDefaultInstance()));
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      // The server's answer (UNAVAILABLE, not the stub's DEADLINE_EXCEEDED) after its own Redis timeout: it waited
      // that long for the paused server, and no longer than the stub's 30 s deadline.
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(REDIS_TIMEOUT.toMillis());
    } finally {
      redis.server().resume();
    }
  }

  @Test
  void redisRestartDuringTraffic_clientsCarryOnAndTokensKeepIncreasing() throws Exception {
    String name = "traffic/" + UUID.randomUUID();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger grants = new AtomicInteger();
    ConcurrentLinkedQueue<Long> tokens = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Holdfast> clients = new ArrayList<>();
    List<Future<?>> workers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Holdfast client = Holdfast.connect(HoldfastOptions.builder().backend(server.uri().toString())
          .retryBudget(Duration.ofSeconds(20)).build());
      clients.add(client);
      workers.add(pool.submit(() -> {
        while (running.get()) {
          try (Lease lease = client.acquire(AcquireRequest.of(name, Duration.ofSeconds(2))
              .withWait(Duration.ofSeconds(5)))) {
            tokens.add(lease.fencingToken().value());
            grants.incrementAndGet();
            Thread.sleep(5);
          } catch (RuntimeException expectedDuringOutage) {
            Thread.sleep(50);
          }
        }
        return null;
      }));
    }
    try {
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> grants.get() >= 20);
      long before = tokens.stream().mapToLong(Long::longValue).max().orElseThrow();
      redis.server().kill();
      Thread.sleep(1_000);
      redis.server().restart();
      int atRestart = grants.get();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> grants.get() >= atRestart + 20);
      long after = tokens.stream().mapToLong(Long::longValue).max().orElseThrow();
      assertThat(after).as("the TIME floor keeps tokens increasing after Redis lost its data")
          .isGreaterThan(before);
    } finally {
      running.set(false);
      for (Future<?> worker : workers) {
        worker.get(30, TimeUnit.SECONDS);
      }
      pool.shutdownNow();
      clients.forEach(Holdfast::close);
    }
  }
}
