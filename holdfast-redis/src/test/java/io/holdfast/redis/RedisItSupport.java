package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.slf4j.LoggerFactory;

/** Shared helpers of the Redis integration tests: opening a backend, waiting, pipelining, reading stats. */
final class RedisItSupport {

  private RedisItSupport() { }

  static RedisLockBackend open(String uri, Duration operationTimeout) {
    HoldfastOptions options = HoldfastOptions.builder()
        .backend(uri)
        .clientName("holdfast redis it")
        .operationTimeout(operationTimeout)
        .build();
    RedisLockBackend backend = (RedisLockBackend) new RedisLockBackendProvider().open(options);
    LoggerFactory.getLogger(RedisItSupport.class).info("Opened {}", backend.describe());
    return backend;
  }

  /** Random 64-bit ids, as the client engine makes them (they also take the most room in a lock hash). */
  static long nextRequestId() {
    return ThreadLocalRandom.current().nextLong();
  }

  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("operation failed: " + e.getCause(), e);
    }
  }

  /**
   * Runs {@code count} operations with at most {@code window} in flight, as Lettuce pipelines them on the
   * one connection, and fails on the first failed or rejected result.
   */
  static void pipelined(int count, int window, IntFunction<CompletableFuture<Boolean>> operation) {
    Semaphore inFlight = new Semaphore(window);
    AtomicReference<String> firstProblem = new AtomicReference<>();
    for (int i = 0; i < count && firstProblem.get() == null; i++) {
      inFlight.acquireUninterruptibly();
      int index = i;
      operation.apply(i).whenComplete((ok, failure) -> {
        if (failure != null || !Boolean.TRUE.equals(ok)) {
          firstProblem.compareAndSet(null, "operation " + index + ": " + (failure != null ? failure : ok));
        }
        inFlight.release();
      });
    }
    inFlight.acquireUninterruptibly(window);
    assertThat(firstProblem.get()).isNull();
  }

  /** Calls of one command since the server started (or CONFIG RESETSTAT), from INFO commandstats. */
  static long commandCalls(RedisServer server, String command) {
    String stats = server.info("commandstats").get("cmdstat_" + command);
    if (stats == null) {
      return 0;
    }
    for (String field : stats.split(",")) {
      if (field.startsWith("calls=")) {
        return Long.parseLong(field.substring("calls=".length()));
      }
    }
    throw new AssertionError("no calls= in " + stats);
  }

  static long pttl(RedisServer server, String key) {
    return (Long) server.command("PTTL", key);
  }

  static long dbSize(RedisServer server) {
    return (Long) server.command("DBSIZE");
  }
}
