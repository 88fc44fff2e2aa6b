package io.holdfast.redis;

import static io.holdfast.redis.RedisItSupport.await;
import static io.holdfast.redis.RedisItSupport.dbSize;
import static io.holdfast.redis.RedisItSupport.nextRequestId;
import static io.holdfast.redis.RedisItSupport.pttl;
import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.ReadWriteLockBackend;
import io.holdfast.spi.ReadWriteLockBackend.Side;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import io.holdfast.spi.SemaphoreBackend;
import io.holdfast.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The holder scripts on a real server, at the level of their headers: the keys they keep and their TTLs, the
 * shared fence counter, repeats, and when a release message goes out.
 */
class HolderScriptsIT {
  @RegisterExtension
  static RedisExtension redis = RedisExtension.builder().flushBetweenTests().build();

  private static final Duration TTL = Duration.ofSeconds(20);
  private static RedisLockBackend backend;
  private static ReadWriteLockBackend rw;
  private static SemaphoreBackend semaphores;

  @BeforeAll
  static void open() {
    backend = RedisItSupport.open(redis.uri(), Duration.ofSeconds(5));
    rw = backend.feature(ReadWriteLockBackend.class).orElseThrow();
    semaphores = backend.feature(SemaphoreBackend.class).orElseThrow();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @Test
  void keys_whileHeld_liveAsLongAsTheLastHolderThenGoWithIt() {
    LockName name = LockName.of("keys");
    OwnerToken shortOwner = OwnerToken.random();
    OwnerToken longOwner = OwnerToken.random();
    AcquireOutcome.Granted a = granted(rw.tryAcquireRead(name, shortOwner, Duration.ofSeconds(5), nextRequestId(),
        true));
    AcquireOutcome.Granted b = granted(rw.tryAcquireRead(name, longOwner, TTL, nextRequestId(), true));
    assertThat(pttl(redis.server(), "holdfast:{keys}:rw")).isBetween(15_000L, 20_000L);
    assertThat(pttl(redis.server(), "holdfast:{keys}:rw:x")).isBetween(15_000L, 20_000L);
    await(rw.release(Side.READ, name, longOwner, b.fencingToken(), nextRequestId()));
    assertThat(pttl(redis.server(), "holdfast:{keys}:rw")).isBetween(1L, 5_000L);
    await(rw.release(Side.READ, name, shortOwner, a.fencingToken(), nextRequestId()));
    assertThat(dbSize(redis.server())).isEqualTo(1); // the fence counter only
  }

  @Test
  void fencing_plainLockThenWriter_writerTokenLarger() {
    LockName name = LockName.of("shared-fence");
    OwnerToken owner = OwnerToken.random();
    AcquireOutcome.Granted lock = granted(backend.tryAcquire(LockName.of("other"), owner, TTL, nextRequestId()));
    AcquireOutcome.Granted write = granted(rw.tryAcquireWrite(name, owner, TTL, nextRequestId(), Duration.ZERO));
    AcquireOutcome.Granted permit = granted(semaphores.tryAcquirePermit(name, 1, owner, TTL, nextRequestId()));
    assertThat(write.fencingToken()).isGreaterThan(lock.fencingToken());
    assertThat(permit.fencingToken()).isGreaterThan(write.fencingToken());
    assertThat(redis.server().command("GET", "holdfast:fence")).isEqualTo(Long.toString(permit.fencingToken()
        .value()));
  }

  @Test
  void acquire_repeatedRequestId_countsTheHoldOnce() {
    LockName name = LockName.of("repeat");
    OwnerToken owner = OwnerToken.random();
    long request = nextRequestId();
    AcquireOutcome.Granted first = granted(semaphores.tryAcquirePermit(name, 1, owner, TTL, request));
    AcquireOutcome.Granted again = granted(semaphores.tryAcquirePermit(name, 1, owner, TTL, request));
    assertThat(again).isEqualTo(first);
    long release = nextRequestId();
    assertThat(await(semaphores.releasePermit(name, owner, first.fencingToken(), release)))
        .isEqualTo(new ReleaseOutcome.Released(0));
    assertThat(await(semaphores.releasePermit(name, owner, first.fencingToken(), release)))
        .isEqualTo(new ReleaseOutcome.NotOwner());
  }

  @Test
  void writerAnnouncement_keyLivesAsLongAsTheAnnouncement() {
    LockName name = LockName.of("announce");
    OwnerToken reader = OwnerToken.random();
    granted(rw.tryAcquireRead(name, reader, TTL, nextRequestId(), true));
    AcquireOutcome busy = await(rw.tryAcquireWrite(name, OwnerToken.random(), TTL, nextRequestId(),
        Duration.ofSeconds(3)));
    assertThat(busy).isInstanceOf(AcquireOutcome.Busy.class);
    assertThat(pttl(redis.server(), "holdfast:{announce}:rw:wq")).isBetween(1L, 3_000L);
    assertThat(await(rw.tryAcquireRead(name, OwnerToken.random(), TTL, nextRequestId(), true)))
        .isInstanceOf(AcquireOutcome.Busy.class);
    assertThat(await(rw.tryAcquireRead(name, OwnerToken.random(), TTL, nextRequestId(), false)))
        .isInstanceOf(AcquireOutcome.Granted.class);
  }

  @Test
  void renew_staleToken_notHeldAndNothingChanged() {
    LockName name = LockName.of("renew");
    OwnerToken owner = OwnerToken.random();
    AcquireOutcome.Granted permit = granted(semaphores.tryAcquirePermit(name, 2, owner, Duration.ofSeconds(2),
        nextRequestId()));
    List<RenewOutcome> outcomes = await(semaphores.renewPermits(List.of(
        new RenewRequest(name, owner, permit.fencingToken(), TTL),
        new RenewRequest(name, owner, new io.holdfast.FencingToken(permit.fencingToken().value() - 1), TTL))));
    assertThat(outcomes).containsExactly(RenewOutcome.RENEWED, RenewOutcome.NOT_HELD);
    assertThat(pttl(redis.server(), "holdfast:{renew}:sem")).isBetween(15_000L, 20_000L);
  }

  @Test
  void release_readersLeaveOneByOne_messageOnlyWhenTheLastGoes() {
    LockName name = LockName.of("messages");
    AtomicInteger messages = new AtomicInteger();
    await(rw.subscribeReadWrite(name, messages::incrementAndGet));
    OwnerToken a = OwnerToken.random();
    OwnerToken b = OwnerToken.random();
    AcquireOutcome.Granted first = granted(rw.tryAcquireRead(name, a, TTL, nextRequestId(), true));
    AcquireOutcome.Granted second = granted(rw.tryAcquireRead(name, b, TTL, nextRequestId(), true));
    await(rw.release(Side.READ, name, a, first.fencingToken(), nextRequestId()));
    await(rw.release(Side.READ, name, b, second.fencingToken(), nextRequestId()));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> messages.get() == 1);
    OwnerToken writer = OwnerToken.random();
    AcquireOutcome.Granted write = granted(rw.tryAcquireWrite(name, writer, TTL, nextRequestId(), Duration.ZERO));
    await(rw.release(Side.WRITE, name, writer, write.fencingToken(), nextRequestId()));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> messages.get() == 2);
    assertThat(messages.get()).isEqualTo(2);
  }

  @Test
  void prune_tenThousandPermitsExpiredTogether_droppedByTheNextCall() {
    LockName name = LockName.of("mass-expiry");
    int permits = 10_001;
    // One long permit keeps the keys alive past the others, so the next call has to drop 10,000 at once.
    granted(semaphores.tryAcquirePermit(name, permits, OwnerToken.random(), Duration.ofMinutes(2), nextRequestId()));
    RedisItSupport.pipelined(permits - 1, 500, i -> semaphores.tryAcquirePermit(name, permits, OwnerToken.random(),
        Duration.ofSeconds(4), nextRequestId()).thenApply(outcome -> outcome instanceof AcquireOutcome.Granted));
    // Wait, touching nothing that prunes, until every short permit has expired by the server's clock.
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> (Long) redis.server().command("ZCOUNT",
        "holdfast:{mass-expiry}:sem:x", "(" + serverMillis(), "+inf") == 1);
    assertThat((Long) redis.server().command("HLEN", "holdfast:{mass-expiry}:sem")).isGreaterThan(8_000);
    assertThat(await(semaphores.permitsHeld(name))).isEqualTo(1);
    assertThat(await(semaphores.tryAcquirePermit(name, 2, OwnerToken.random(), TTL, nextRequestId())))
        .isInstanceOf(AcquireOutcome.Granted.class);
    assertThat((Long) redis.server().command("HLEN", "holdfast:{mass-expiry}:sem")).isEqualTo(2);
  }

  private static long serverMillis() {
    List<?> time = (List<?>) redis.server().command("TIME");
    return Long.parseLong(time.get(0).toString()) * 1000 + Long.parseLong(time.get(1).toString()) / 1000;
  }

  private static AcquireOutcome.Granted granted(java.util.concurrent.CompletableFuture<AcquireOutcome> attempt) {
    AcquireOutcome outcome = await(attempt);
    assertThat(outcome).isInstanceOf(AcquireOutcome.Granted.class);
    return (AcquireOutcome.Granted) outcome;
  }
}
