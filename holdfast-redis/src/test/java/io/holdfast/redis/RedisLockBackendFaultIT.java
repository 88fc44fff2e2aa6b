package io.holdfast.redis;

import static io.holdfast.redis.RedisItSupport.await;
import static io.holdfast.redis.RedisItSupport.commandCalls;
import static io.holdfast.redis.RedisItSupport.nextRequestId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.BackendUnavailableException;
import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.AcquireOutcome.Granted;
import io.holdfast.spi.ReleaseOutcome.Released;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewRequest;
import io.holdfast.testkit.redis.RedisExtension;
import io.holdfast.testkit.redis.RedisServer;
import io.lettuce.core.RedisCommandTimeoutException;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connection set-up and failures: NOSCRIPT, refused connections, a paused and a restarted server, close. */
@Timeout(120)
class RedisLockBackendFaultIT {
  @RegisterExtension
  static RedisExtension redis = RedisExtension.builder().flushBetweenTests().build();

  private static final Duration TTL = Duration.ofSeconds(10);
  private final OwnerToken owner = OwnerToken.random();

  @Test
  void scriptFlush_thenEveryOperation_reloadsItsScriptAndWorks(RedisServer server) {
    try (RedisLockBackend backend = RedisItSupport.open(redis.uri(), Duration.ofSeconds(2))) {
      LockName name = LockName.of("fault/noscript");
      server.command("SCRIPT", "FLUSH");
      long evalsBefore = commandCalls(server, "eval");

      Granted granted = (Granted) await(backend.tryAcquire(name, owner, TTL, nextRequestId()));
      assertThat(await(backend.renew(List.of(new RenewRequest(name, owner, granted.fencingToken(), TTL)))))
          .containsExactly(true);
      assertThat(await(backend.inspect(name))).isPresent();
      assertThat(await(backend.release(name, owner, granted.fencingToken(), nextRequestId())))
          .isEqualTo(new Released(0));

      assertThat(commandCalls(server, "eval") - evalsBefore).as("one EVAL fallback per script").isEqualTo(4);
      await(backend.tryAcquire(name, owner, TTL, nextRequestId()));
      assertThat(commandCalls(server, "eval") - evalsBefore).as("EVAL put the script back").isEqualTo(4);
    }
  }

  @Test
  void open_connectionRefused_throwsBackendUnavailableNamingUriAndCause() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String uri = "redis://user:hunter2@127.0.0.1:" + port + "/0";

    assertThatThrownBy(() -> RedisItSupport.open(uri, Duration.ofSeconds(2)))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("redis://127.0.0.1:" + port)
        .hasMessageContaining("Connection refused")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void pausedServer_operationTimesOutAsTransient_andSucceedsAfterResume(RedisServer server) {
    try (RedisLockBackend backend = RedisItSupport.open(redis.uri(), Duration.ofMillis(300))) {
      LockName name = LockName.of("fault/paused");
      server.pause();
      try {
        CompletableFuture<AcquireOutcome> attempt = backend.tryAcquire(name, owner, TTL, nextRequestId());
        assertThatThrownBy(() -> attempt.get(5, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(RedisCommandTimeoutException.class)
            .satisfies(failure -> assertThat(backend.isTransient(failure)).isTrue());
      } finally {
        server.resume();
      }
      assertThat(await(backend.tryAcquire(name, owner, TTL, nextRequestId()))).isInstanceOf(Granted.class);
    }
  }

  @Test
  void restartedServer_failsTransientlyThenReconnectsResubscribesAndReloadsScripts(RedisServer server)
      throws InterruptedException {
    try (RedisLockBackend backend = RedisItSupport.open(redis.uri(), Duration.ofSeconds(1))) {
      LockName name = LockName.of("fault/restart");
      CountDownLatch woken = new CountDownLatch(1);
      ReleaseSubscription subscription = await(backend.subscribe(name, woken::countDown));
      server.kill();
      CompletableFuture<AcquireOutcome> during = backend.tryAcquire(name, owner, TTL, nextRequestId());
      assertThatThrownBy(() -> during.get(5, TimeUnit.SECONDS))
          .satisfies(failure -> assertThat(backend.isTransient(failure)).as(failure.toString()).isTrue());
      server.restart();

      Granted granted = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> (Granted) backend.tryAcquire(name, owner, TTL, nextRequestId()).get(), g -> true);
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> server.command("PUBSUB", "NUMSUB", "holdfast:{fault/restart}:released")
              .equals(List.of("holdfast:{fault/restart}:released", 1L)));
      await(backend.release(name, owner, granted.fencingToken(), nextRequestId()));

      assertThat(woken.await(5, TimeUnit.SECONDS)).as("Lettuce re-subscribed after reconnect").isTrue();
      subscription.close();
    }
  }

  @Test
  void oneBackend_usesOneCommandAndOnePubSubConnectionWithSanitizedName(RedisServer server) {
    try (RedisLockBackend backend = RedisItSupport.open(redis.uri(), Duration.ofSeconds(2))) {
      for (int i = 0; i < 50; i++) {
        await(backend.subscribe(LockName.of("fault/conn-" + i), () -> { }));
      }
      String clients = (String) server.command("CLIENT", "LIST");
      assertThat(clients.lines().filter(line -> line.contains(" name=holdfast_redis_it "))).hasSize(2);
      assertThat(backend.activeReleaseChannels()).isEqualTo(50);
    }
  }

  @Test
  void close_isIdempotentAndLaterCallsFailAsClosed() {
    RedisLockBackend backend = RedisItSupport.open(redis.uri(), Duration.ofSeconds(2));
    backend.close();
    backend.close();

    CompletableFuture<AcquireOutcome> after =
        backend.tryAcquire(LockName.of("fault/closed"), owner, TTL, nextRequestId());
    assertThatThrownBy(after::join).hasCauseInstanceOf(HoldfastException.class)
        .satisfies(failure -> assertThat(((HoldfastException) failure.getCause()).code()).isEqualTo(ErrorCode.CLOSED))
        .satisfies(failure -> assertThat(backend.isTransient(failure)).isFalse());
  }
}
