package io.holdfast.server;

import static io.holdfast.server.DeadlockDetectionServiceIT.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.AcquireRequest;
import io.holdfast.DeadlockException;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.OwnerToken;
import io.holdfast.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No false positive under heavy contention without a cycle: many clients (each its own session, spread over two
 * instances) take two or three of a few locks at a time, always in one global order, for a few seconds. Every wait
 * is checked for a cycle and none may be reported; every acquisition completes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeadlockContentionIT {
  private static final int CLIENTS = 8;
  private static final int LOCKS = 5;
  private static final Duration RUN = Duration.ofSeconds(4);

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @Test
  void globalLockOrder_manyClientsForSeconds_zeroDeadlocksAndEveryAcquisitionCompletes() throws Exception {
    HoldfastServer first = HoldfastServer.start(config(redis.uri(), Duration.ofSeconds(1)));
    HoldfastServer second = HoldfastServer.start(config(redis.uri(), Duration.ofSeconds(1)));
    ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
    AtomicInteger acquisitions = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    try {
      List<Future<?>> runs = new ArrayList<>();
      long end = System.nanoTime() + RUN.toNanos();
      for (int c = 0; c < CLIENTS; c++) {
        String uri = (c % 2 == 0 ? first : second).uri().toString();
        long seed = c;
        runs.add(threads.submit(() -> run(uri, new Random(seed), end, acquisitions, failures)));
      }
      int mostWaiting = 0;
      while (runs.stream().anyMatch(run -> !run.isDone())) {
        mostWaiting = Math.max(mostWaiting, ((List<?>) redis.server().command("KEYS", "holdfast:waits:*")).size());
        Thread.sleep(20);
      }
      for (Future<?> run : runs) {
        run.get(90, TimeUnit.SECONDS);
      }
      assertThat(mostWaiting).as("parties were seen waiting, so their waits were checked").isPositive();
    } finally {
      threads.shutdownNow();
      first.close();
      second.close();
    }
    assertThat(failures).as("no DEADLOCK, no wait run out, no other failure").isEmpty();
    assertThat(acquisitions.get()).as("the run took locks").isGreaterThan(CLIENTS * 2);
  }

  /* One client: take 2 or 3 distinct locks in name order under one owner, hold them briefly, release. */
  private static void run(String uri, Random random, long end, AtomicInteger acquisitions,
      ConcurrentLinkedQueue<Throwable> failures) {
    try (Holdfast client = Holdfast.connect(uri)) {
      while (System.nanoTime() < end && failures.isEmpty()) {
        OwnerToken owner = OwnerToken.random();
        List<Lease> held = new ArrayList<>();
        int first = random.nextInt(LOCKS - 1);
        for (int lock = first; lock < LOCKS && held.size() < 2 + random.nextInt(2); lock += 1 + random.nextInt(2)) {
          held.add(client.acquire(AcquireRequest.of("order/" + lock, Duration.ofSeconds(10)).withOwner(owner)
              .withWait(Duration.ofSeconds(60))));
          acquisitions.incrementAndGet();
        }
        for (int i = held.size() - 1; i >= 0; i--) {
          held.get(i).release();
        }
      }
    } catch (DeadlockException e) {
      failures.add(e);
    } catch (RuntimeException e) {
      failures.add(e);
    }
  }
}
