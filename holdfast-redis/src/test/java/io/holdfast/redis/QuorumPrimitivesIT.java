package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;
import io.holdfast.Lease;
import io.holdfast.OwnerToken;
import io.holdfast.ReadWriteLock;
import io.holdfast.Semaphore;
import io.holdfast.testkit.redis.IndependentMasters;
import io.holdfast.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The read/write lock and the semaphore on independent masters, beyond their contract suites: granting with a
 * minority down, holds that count only on a majority, the semaphore's bound under contention and against tables
 * that a majority count would overfill (the A/B/C case), and nothing left on any master after release.
 */
@Timeout(120)
class QuorumPrimitivesIT {
  private static final Duration TTL = Duration.ofSeconds(10);
  private static IndependentMasters masters;

  @BeforeAll
  static void start() {
    masters = IndependentMasters.start(3);
  }

  @AfterAll
  static void stop() {
    masters.close();
  }

  @AfterEach
  void heal() {
    masters.heal();
  }

  private static Holdfast connect() {
    return Holdfast.connect(HoldfastOptions.builder().backend(masters.uri()).clientName("quorum-primitives-it")
        .operationTimeout(Duration.ofSeconds(1)).build());
  }

  private static String fresh() {
    return "qp/" + UUID.randomUUID();
  }

  /* A release returns once a majority released; the last master's copy goes a moment later. */
  private static void noKeysLeft(String name) {
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> keysLeft(name) == 0);
  }

  private static long keysLeft(String name) {
    return masters.masters().stream().filter(RedisServer::isRunning)
        .mapToLong(m -> ((List<?>) m.command("KEYS", "*{" + name + "}*")).size()).sum();
  }

  @Test
  void minorityDown_bothPrimitivesStillGrant_andReleaseLeavesNothing() {
    try (Holdfast client = connect()) {
      String name = fresh();
      acquireAndReleaseBoth(client, name);
      masters.master(0).kill();
      ReadWriteLock lock = client.readWriteLock(name);
      Lease write = lock.writeLock().acquire(TTL);
      assertThat(client.readWriteLock(name).readLock().tryAcquire(TTL, Duration.ZERO)).isEmpty();
      write.release();
      Lease read = lock.readLock().acquire(TTL);
      assertThat(read.fencingToken()).isGreaterThan(write.fencingToken());
      read.release();
      Semaphore semaphore = client.semaphore(name, 1);
      Lease permit = semaphore.acquire(TTL);
      assertThat(permit.fencingToken()).isGreaterThan(read.fencingToken());
      assertThat(client.semaphore(name, 1).tryAcquire(TTL, Duration.ZERO)).isEmpty();
      assertThat(semaphore.heldAsync().join()).isEqualTo(1);
      permit.release();
      noKeysLeft(name);
    }
  }

  @Test
  void semaphore_twoPermitsSixOwnersAtOnce_neverMoreThanTwoHold() throws Exception {
    String name = fresh();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger mostCounted = new AtomicInteger();
    AtomicInteger grants = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Holdfast> clients = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(7);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 6; w++) {
        Holdfast client = connect();
        clients.add(client);
        Semaphore semaphore = client.semaphore(name, 2);
        done.add(pool.submit(() -> {
          for (int i = 0; i < 8; i++) {
            try (Lease permit = semaphore.acquire(TTL)) {
              most.accumulateAndGet(inside.incrementAndGet(), Math::max);
              Thread.sleep(5);
              inside.decrementAndGet();
              grants.incrementAndGet();
            }
          }
          return null;
        }));
      }
      Semaphore counter = clients.get(0).semaphore(name, 2);
      Future<?> sampler = pool.submit(() -> {
        while (running.get()) {
          mostCounted.accumulateAndGet(counter.heldAsync().join(), Math::max);
        }
        return null;
      });
      for (Future<?> f : done) {
        f.get(100, TimeUnit.SECONDS);
      }
      running.set(false);
      sampler.get(10, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
      clients.forEach(Holdfast::close);
    }
    assertThat(grants.get()).isEqualTo(6 * 8);
    assertThat(most.get()).isBetween(1, 2);
    assertThat(mostCounted.get()).isLessThanOrEqualTo(2);
    noKeysLeft(name);
  }

  /*
   * A holds slot 0 on masters 0 and 1, B slot 1 on masters 1 and 2: each holds a permit of two. Masters 0 and 2
   * have one holder each, so a count per table would let a third owner in on them; slots let nobody in.
   */
  @Test
  void semaphore_tablesAMajorityCountWouldOverfill_thirdOwnerStaysOut() {
    String name = fresh();
    seed(masters.master(0), name, "ownerA", 11, 0);
    seed(masters.master(1), name, "ownerA", 11, 0);
    seed(masters.master(1), name, "ownerB", 12, 1);
    seed(masters.master(2), name, "ownerB", 12, 1);
    try (Holdfast client = connect()) {
      Semaphore semaphore = client.semaphore(name, 2);
      for (int i = 0; i < 5; i++) {
        assertThat(semaphore.tryAcquire(TTL, Duration.ZERO)).isEmpty();
      }
      assertThat(semaphore.heldAsync().join()).isEqualTo(2);
      // Every try's hold was given back (undo is sent before the busy answer returns, and runs a moment later).
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> masters.masters().stream().map(m -> m.command(
          "HLEN", "holdfast:{" + name + "}:sem")).toList().equals(List.of(2L, 4L, 2L)));
      masters.masters().forEach(m -> m.command("DEL", "holdfast:{" + name + "}:sem", "holdfast:{" + name + "}:sem:x"));
      try (Lease permit = semaphore.acquire(TTL)) {
        assertThat(semaphore.heldAsync().join()).isEqualTo(1);
      }
    }
    noKeysLeft(name);
  }

  /*
   * Holder tables that disagree: a hold counts where a majority has it. A writer left on one master only (an attempt
   * whose undo never arrived) keeps nobody out; on two it does. A reader on one master only is no read holder: its
   * owner's write request is refused there and granted by the other two.
   */
  @Test
  void readWriteLock_holdsOnAMinorityOrMajority_countOnlyOnAMajority() {
    String name = fresh();
    String h = "holdfast:{" + name + "}:rw";
    seedHolder(masters.master(0), h, "w", "ownerW", 11);
    try (Holdfast client = connect()) {
      ReadWriteLock lock = client.readWriteLock(name);
      Lease read = lock.readLock().tryAcquire(TTL, Duration.ZERO).orElseThrow();
      read.release();
      seedHolder(masters.master(1), h, "w", "ownerW", 11);
      assertThat(lock.readLock().tryAcquire(TTL, Duration.ZERO)).isEmpty();
      masters.masters().forEach(m -> m.command("DEL", h, h + ":x"));

      OwnerToken reader = OwnerToken.random();
      seedHolder(masters.master(2), h, "r" + reader.value(), reader.value(), 12);
      Lease write = lock.writeLock().acquire(lock.writeLock().request(TTL).withOwner(reader));
      write.release();
      seedHolder(masters.master(1), h, "r" + reader.value(), reader.value(), 12);
      assertThatThrownBy(() -> lock.writeLock().acquire(lock.writeLock().request(TTL).withOwner(reader)))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("upgrading is not supported");
      masters.masters().forEach(m -> m.command("DEL", h, h + ":x"));
    }
    noKeysLeft(name);
  }

  private static void seedHolder(RedisServer master, String h, String member, String owner, long token) {
    List<?> time = (List<?>) master.command("TIME");
    long now = Long.parseLong((String) time.get(0)) * 1000;
    master.command("HSET", h, member, owner + " " + token + " 1 7");
    master.command("ZADD", h + ":x", Long.toString(now + 60_000), member);
  }

  /* A permit as semaphore_slot_acquire.lua writes it: the holder's value with its slot, the index, the expiry. */
  private static void seed(RedisServer master, String name, String owner, long token, int slot) {
    String h = "holdfast:{" + name + "}:sem";
    List<?> time = (List<?>) master.command("TIME");
    long now = Long.parseLong((String) time.get(0)) * 1000;
    master.command("HSET", h, "p" + owner, owner + " " + token + " 1 7 " + slot, "k" + slot, owner + " " + token);
    master.command("ZADD", h + ":x", Long.toString(now + 60_000), "p" + owner);
  }

  private static void acquireAndReleaseBoth(Holdfast client, String name) {
    client.readWriteLock(name).writeLock().acquire(TTL).release();
    client.semaphore(name, 2).acquire(TTL).release();
    noKeysLeft(name);
  }
}
