package io.holdfast.redis;

import static io.holdfast.redis.RedisItSupport.await;
import static io.holdfast.redis.RedisItSupport.dbSize;
import static io.holdfast.redis.RedisItSupport.nextRequestId;
import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.AcquireOutcome.Busy;
import io.holdfast.spi.AcquireOutcome.Granted;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.testkit.redis.RedisExtension;
import io.holdfast.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** acquire.lua and release.lua in fair mode (fairqueue.lua) against a real server, one script call at a time. */
@Timeout(60)
class FairQueueScriptIT {
  @RegisterExtension
  static RedisExtension redis = RedisExtension.builder().flushBetweenTests().build();

  private static final Duration TTL = Duration.ofSeconds(20);
  private static final Duration KEEP = Duration.ofSeconds(20);
  private static RedisLockBackend backend;

  @BeforeAll
  static void open() {
    backend = RedisItSupport.open(redis.uri(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static AcquireOutcome fair(LockName name, OwnerToken owner, Duration keep) {
    return await(backend.tryAcquireFair(name, owner, TTL, nextRequestId(), Duration.ZERO, keep));
  }

  private static void release(LockName name, OwnerToken owner, AcquireOutcome grant) {
    ReleaseOutcome released = await(backend.release(name, owner, ((Granted) grant).fencingToken(), nextRequestId()));
    assertThat(released).isEqualTo(new ReleaseOutcome.Released(0));
  }

  @Test
  void fairAcquire_lineOfThree_grantsInTicketOrderAndLeavesOnlyTheFence(RedisServer server) {
    LockName name = LockName.of("fair/line");
    OwnerToken holder = OwnerToken.random();
    List<OwnerToken> line = List.of(OwnerToken.random(), OwnerToken.random(), OwnerToken.random());
    AcquireOutcome grant = fair(name, holder, KEEP);
    line.forEach(waiter -> assertThat(fair(name, waiter, KEEP)).isInstanceOf(Busy.class));
    assertThat((Long) server.command("ZCARD", "holdfast:{fair/line}:queue")).isEqualTo(3);
    long previous = ((Granted) grant).fencingToken().value();
    release(name, holder, grant);
    for (int i = 0; i < line.size(); i++) {
      for (int behind = i + 1; behind < line.size(); behind++) {
        assertThat(fair(name, line.get(behind), KEEP)).as("waiter %d before the head %d", behind, i)
            .isInstanceOf(Busy.class);
      }
      assertThat(fair(name, OwnerToken.random(), Duration.ZERO)).as("a newcomer's single try").isInstanceOf(Busy.class);
      AcquireOutcome next = fair(name, line.get(i), KEEP);
      assertThat(next).isInstanceOf(Granted.class);
      assertThat(((Granted) next).fencingToken().value()).isGreaterThan(previous);
      previous = ((Granted) next).fencingToken().value();
      release(name, line.get(i), next);
    }
    assertThat(dbSize(server)).as("only the fence counter is left").isEqualTo(1);
  }

  @Test
  void release_fairGrantWithWaiter_namesTheHeadInItsMessage() throws InterruptedException {
    LockName name = LockName.of("fair/message");
    OwnerToken holder = OwnerToken.random();
    OwnerToken head = OwnerToken.random();
    LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
    await(backend.subscribeHandOffs(name, heard::add));
    AcquireOutcome grant = fair(name, holder, KEEP);
    assertThat(fair(name, head, KEEP)).isInstanceOf(Busy.class);
    release(name, holder, grant);
    assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo(head.value());
    AcquireOutcome second = fair(name, head, KEEP);
    release(name, head, second);
    assertThat(heard.poll(10, TimeUnit.SECONDS)).as("nobody in line: anyone may try").isEmpty();
  }

  @Test
  void force_fairGrantWithWaiter_namesTheHeadInItsMessage() throws InterruptedException {
    LockName name = LockName.of("fair/force");
    OwnerToken holder = OwnerToken.random();
    OwnerToken head = OwnerToken.random();
    LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
    await(backend.subscribeHandOffs(name, heard::add));
    AcquireOutcome grant = fair(name, holder, KEEP);
    assertThat(fair(name, head, KEEP)).isInstanceOf(Busy.class);
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
    try (var connection = client.connect()) {
      LockScripts scripts = new LockScripts(connection.async(), KeySpace.standalone("holdfast"), false);
      List<Object> freed = await(scripts.force(name.value(), ((Granted) grant).fencingToken().value(), ""));
      assertThat(freed.get(0)).isEqualTo(1L);
    } finally {
      client.shutdown();
    }
    assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo(head.value());
  }

  @Test
  void fairAcquire_headStopsAttempting_itsPlaceLapsesAfterKeep(RedisServer server) {
    LockName name = LockName.of("fair/lapse");
    OwnerToken holder = OwnerToken.random();
    OwnerToken dead = OwnerToken.random();
    OwnerToken next = OwnerToken.random();
    AcquireOutcome grant = fair(name, holder, KEEP);
    assertThat(fair(name, dead, Duration.ofMillis(300))).isInstanceOf(Busy.class);
    assertThat(fair(name, next, KEEP)).isInstanceOf(Busy.class);
    release(name, holder, grant);
    AcquireOutcome early = fair(name, next, KEEP);
    if (early instanceof Busy busy) {
      assertThat(busy.remainingTtl()).as("told to come back when the dead place lapses")
          .isLessThanOrEqualTo(Duration.ofMillis(300));
    }
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> fair(name, next, KEEP) instanceof Granted);
    assertThat((Long) server.command("EXISTS", "holdfast:{fair/lapse}:queue")).isZero();
  }

  @Test
  void fairAcquire_busyAnswers_carryTheWaitersTicketInArrivalOrderAndKeepItWhileInLine(RedisServer server) {
    LockName name = LockName.of("fair/tickets");
    OwnerToken holder = OwnerToken.random();
    OwnerToken first = OwnerToken.random();
    OwnerToken second = OwnerToken.random();
    AcquireOutcome grant = fair(name, holder, KEEP);
    long firstTicket = ((Busy) fair(name, first, KEEP)).ticket();
    long secondTicket = ((Busy) fair(name, second, KEEP)).ticket();
    assertThat(firstTicket).isPositive();
    assertThat(secondTicket).isGreaterThan(firstTicket);
    assertThat(((Busy) fair(name, first, KEEP)).ticket()).as("the same place on a later attempt").isEqualTo(firstTicket);
    assertThat((String) server.command("ZSCORE", "holdfast:{fair/tickets}:queue", first.value()))
        .isEqualTo(Long.toString(firstTicket));
    assertThat(((Busy) fair(name, OwnerToken.random(), Duration.ZERO)).ticket()).as("a single try takes no place")
        .isZero();
    release(name, holder, grant);
    assertThat(((Busy) fair(name, second, KEEP)).ticket()).as("behind the head, lock free").isEqualTo(secondTicket);
    assertThat(await(backend.tryAcquire(name, OwnerToken.random(), TTL, nextRequestId())))
        .as("the plain mode names no place").isInstanceOf(Granted.class);
    assertThat(((Busy) await(backend.tryAcquire(name, OwnerToken.random(), TTL, nextRequestId()))).ticket()).isZero();
  }
}
