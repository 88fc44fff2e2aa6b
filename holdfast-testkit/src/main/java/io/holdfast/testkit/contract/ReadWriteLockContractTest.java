package io.holdfast.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.Holdfast;
import io.holdfast.InvalidArgumentException;
import io.holdfast.Lease;
import io.holdfast.LeaseLostException;
import io.holdfast.LeaseLostReason;
import io.holdfast.LockWaitTimeoutException;
import io.holdfast.ReadWriteLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The read/write lock contract every backend that offers it must keep ({@link ReadWriteLock}'s javadoc), as one
 * abstract suite in the style of {@link LockContractTest}: subclass it once per backend and topology.
 */
// Tagged so that failsafe runs the Redis and service subclasses side by side, apart from fault tests (pom.xml).
@Tag("contract")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ReadWriteLockContractTest extends PrimitiveContractClients {
  private static final Duration TTL = Duration.ofSeconds(10);

  @Test
  void readLock_severalOwners_allHoldAtOnce() {
    ReadWriteLock lock = client().readWriteLock(freshName());
    try (Lease a = lock.readLock().acquire(TTL);
         Lease b = client().readWriteLock(lock.name().value()).readLock().acquire(TTL);
         Lease c = lock.readLock().tryAcquire(TTL, Duration.ZERO).orElseThrow()) {
      assertThat(List.of(a, b, c)).allMatch(Lease::isValid);
      assertThat(List.of(a.owner(), b.owner(), c.owner())).doesNotHaveDuplicates();
      assertThat(List.of(a.fencingToken(), b.fencingToken(), c.fencingToken())).doesNotHaveDuplicates();
    }
  }

  @Test
  void writeLock_whileReadersHold_busyUntilTheLastReaderReleases() {
    String name = freshName();
    ReadWriteLock lock = client().readWriteLock(name);
    Lease first = lock.readLock().acquire(TTL);
    Lease second = lock.readLock().acquire(TTL);
    ReadWriteLock other = client().readWriteLock(name);
    assertThat(other.writeLock().tryAcquire(TTL, Duration.ZERO)).isEmpty();
    first.release();
    assertThat(other.writeLock().tryAcquire(TTL, Duration.ZERO)).isEmpty();
    second.release();
    try (Lease writer = other.writeLock().tryAcquire(TTL, Duration.ZERO).orElseThrow()) {
      assertThat(writer.isValid()).isTrue();
    }
  }

  @Test
  void readAndWrite_whileWriterHolds_busyForEveryOtherOwner() {
    String name = freshName();
    ReadWriteLock lock = client().readWriteLock(name);
    ReadWriteLock other = client().readWriteLock(name);
    try (Lease writer = lock.writeLock().acquire(TTL)) {
      assertThat(other.readLock().tryAcquire(TTL, Duration.ZERO)).isEmpty();
      assertThat(other.writeLock().tryAcquire(TTL, Duration.ofMillis(200))).isEmpty();
      assertThatThrownBy(() -> other.readLock().acquire(other.readLock().request(TTL)
          .withWait(Duration.ofMillis(100)))).isInstanceOf(LockWaitTimeoutException.class);
    }
    try (Lease reader = other.readLock().tryAcquire(TTL, Duration.ZERO).orElseThrow()) {
      assertThat(reader.isValid()).isTrue();
    }
  }

  @Test
  void fencingTokens_writerAfterReadersAndReaderAfterWriter_larger() {
    String name = freshName();
    ReadWriteLock lock = client().readWriteLock(name);
    Lease r1 = lock.readLock().acquire(TTL);
    Lease r2 = lock.readLock().acquire(TTL);
    r1.release();
    r2.release();
    Lease writer = lock.writeLock().acquire(TTL);
    assertThat(writer.fencingToken()).isGreaterThan(r1.fencingToken()).isGreaterThan(r2.fencingToken());
    writer.release();
    try (Lease r3 = lock.readLock().acquire(TTL)) {
      assertThat(r3.fencingToken()).isGreaterThan(writer.fencingToken());
    }
  }

  @Test
  void reentry_sameOwnerSameSide_sameTokenAndHoldCountUp() {
    ReadWriteLock lock = client().readWriteLock(freshName());
    Lease read = lock.readLock().acquire(TTL);
    Lease readAgain = lock.readLock().acquire(lock.readLock().request(TTL).withOwner(read.owner()));
    assertThat(readAgain.fencingToken()).isEqualTo(read.fencingToken());
    assertThat(readAgain.holdCount()).isEqualTo(2);
    readAgain.release();
    read.release();
    Lease write = lock.writeLock().acquire(TTL);
    Lease writeAgain = lock.writeLock().acquire(lock.writeLock().request(TTL).withOwner(write.owner()));
    assertThat(writeAgain.fencingToken()).isEqualTo(write.fencingToken());
    assertThat(writeAgain.holdCount()).isEqualTo(2);
    writeAgain.release();
    assertThat(lock.readLock().tryAcquire(TTL, Duration.ZERO)).isEmpty(); // one write hold is left
    write.release();
    assertThat(lock.readLock().tryAcquire(TTL, Duration.ZERO)).isPresent();
  }

  @Test
  void downgrade_writerTakesReadThenReleasesWrite_keepsReadingAndWritersStayOut() {
    String name = freshName();
    ReadWriteLock lock = client().readWriteLock(name);
    ReadWriteLock other = client().readWriteLock(name);
    Lease write = lock.writeLock().acquire(TTL);
    Lease read = lock.readLock().tryAcquire(lock.readLock().request(TTL).withOwner(write.owner())
        .withWait(Duration.ZERO)).orElseThrow();
    assertThat(read.fencingToken()).isGreaterThan(write.fencingToken());
    write.release();
    assertThat(read.isValid()).isTrue();
    assertThat(other.writeLock().tryAcquire(TTL, Duration.ZERO)).isEmpty();
    try (Lease otherReader = other.readLock().tryAcquire(TTL, Duration.ZERO).orElseThrow()) {
      assertThat(otherReader.isValid()).isTrue();
    }
    read.release();
    assertThat(other.writeLock().tryAcquire(TTL, Duration.ZERO)).isPresent();
  }

  @Test
  void upgrade_readHolderAsksForWrite_refusedWithInvalidArgument() {
    ReadWriteLock lock = client().readWriteLock(freshName());
    try (Lease read = lock.readLock().acquire(TTL)) {
      assertThatThrownBy(() -> lock.writeLock().acquire(lock.writeLock().request(TTL).withOwner(read.owner())))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("upgrading is not supported");
      assertThat(read.isValid()).isTrue();
    }
  }

  @Test
  void writerPreference_writerWaiting_newReadersStayOutUntilItIsGranted() throws Exception {
    String name = freshName();
    ReadWriteLock lock = client().readWriteLock(name);
    Lease reader = lock.readLock().acquire(TTL);
    CompletableFuture<Lease> writer = client().readWriteLock(name).writeLock()
        .acquireAsync(lock.writeLock().request(TTL));
    ReadWriteLock late = client().readWriteLock(name);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      var attempt = late.readLock().tryAcquire(TTL, Duration.ZERO);
      attempt.ifPresent(Lease::release);
      return attempt.isEmpty(); // the writer announced itself
    });
    assertThat(writer).isNotDone();
    reader.release();
    Lease granted = writer.get(10, TimeUnit.SECONDS);
    assertThat(granted.fencingToken()).isGreaterThan(reader.fencingToken());
    assertThat(late.readLock().tryAcquire(TTL, Duration.ZERO)).isEmpty();
    granted.release();
    assertThat(late.readLock().tryAcquire(TTL, Duration.ZERO)).isPresent();
  }

  @Test
  void noWriterPreference_writerWaiting_newReadersStillGetIn() throws Exception {
    String name = freshName();
    ReadWriteLock lock = client().readWriteLock(name, false);
    assertThat(lock.prefersWriters()).isFalse();
    Lease reader = lock.readLock().acquire(TTL);
    CompletableFuture<Lease> writer = client().readWriteLock(name, false).writeLock()
        .acquireAsync(lock.writeLock().request(TTL));
    Thread.sleep(300); // give the writer time to find the lock busy; the assertion below holds either way
    try (Lease late = client().readWriteLock(name, false).readLock().tryAcquire(TTL, Duration.ZERO)
        .orElseThrow()) {
      assertThat(late.isValid()).isTrue();
      assertThat(writer).isNotDone();
    }
    reader.release();
    writer.get(10, TimeUnit.SECONDS).release();
  }

  @Test
  void writerAnnouncement_writerGivesUp_readersGetInAgain() {
    String name = freshName();
    ReadWriteLock lock = client().readWriteLock(name);
    try (Lease reader = lock.readLock().acquire(TTL)) {
      assertThat(client().readWriteLock(name).writeLock().tryAcquire(TTL, Duration.ofMillis(300))).isEmpty();
      ReadWriteLock late = client().readWriteLock(name);
      // The announcement lasted at most the writer's remaining wait: readers are let in again right after it.
      await().atMost(Duration.ofSeconds(5)).until(() -> late.readLock().tryAcquire(TTL, Duration.ZERO)
          .map(lease -> {
            lease.release();
            return true;
          }).orElse(false));
    }
  }

  @Test
  void wakeUp_writerReleases_everyWaitingReaderOfOneClientGetsInWithoutRecheck() throws Exception {
    String name = freshName();
    Holdfast readers = client(options().recheckInterval(Duration.ofSeconds(30)));
    Lease writer = client().readWriteLock(name).writeLock().acquire(Duration.ofSeconds(30));
    List<CompletableFuture<Lease>> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ReadWriteLock lock = readers.readWriteLock(name);
      waiting.add(lock.readLock().acquireAsync(lock.readLock().request(TTL)));
    }
    Thread.sleep(300); // let them find the lock busy and subscribe; a wake-up is needed either way
    writer.release();
    for (CompletableFuture<Lease> reader : waiting) {
      assertThat(reader.get(10, TimeUnit.SECONDS).isValid()).isTrue(); // far below the 30 s re-check
    }
  }

  @Test
  void expiry_readerStopsRenewing_writerGetsInAfterTtlAndStaleReleaseFails() throws Exception {
    String name = freshName();
    AtomicReference<LeaseLostReason> lost = new AtomicReference<>();
    ReadWriteLock lock = client().readWriteLock(name);
    Lease reader = lock.readLock().acquire(lock.readLock().request(Duration.ofSeconds(1)).withoutAutoRenew()
        .onLeaseLost((lease, reason) -> lost.set(reason)));
    Lease writer = client().readWriteLock(name).writeLock().acquire(TTL);
    assertThat(writer.fencingToken()).isGreaterThan(reader.fencingToken());
    await().atMost(Duration.ofSeconds(5)).until(() -> lost.get() == LeaseLostReason.EXPIRED);
    assertThatThrownBy(reader::release).isInstanceOf(LeaseLostException.class);
    assertThat(writer.isValid()).isTrue();
    writer.release();
  }

  @Test
  void autoRenewal_holdPastSeveralTtls_keepsReadLeaseAndWritersOut() throws InterruptedException {
    String name = freshName();
    try (Lease reader = client().readWriteLock(name).readLock().acquire(Duration.ofMillis(600))) {
      Thread.sleep(2000);
      assertThat(reader.isValid()).isTrue();
      assertThat(client().readWriteLock(name).writeLock().tryAcquire(TTL, Duration.ZERO)).isEmpty();
    }
  }

  @Test
  void release_everyHold_leavesNothingBehind() {
    String name = freshName();
    ReadWriteLock lock = client().readWriteLock(name);
    Lease write = lock.writeLock().acquire(TTL);
    Lease read = lock.readLock().acquire(lock.readLock().request(TTL).withOwner(write.owner()));
    assertThat(client().readWriteLock(name).writeLock().tryAcquire(TTL, Duration.ofMillis(100))).isEmpty();
    if (keysLeft(name) >= 0) {
      assertThat(keysLeft(name)).isPositive();
    }
    write.release();
    read.release();
    Lease other = lock.readLock().acquire(TTL);
    other.release();
    long left = keysLeft(name);
    if (left >= 0) {
      await().atMost(Duration.ofSeconds(5)).until(() -> keysLeft(name) == 0);
    }
  }

  @Test
  void request_forAnotherName_refused() {
    ReadWriteLock lock = client().readWriteLock(freshName());
    assertThatThrownBy(() -> lock.readLock().acquire(client().readWriteLock(freshName()).readLock()
        .request(TTL))).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void concurrency_readersAndWriters_noWriterOverlapsAnyOtherHolder() throws Exception {
    String name = freshName();
    int workers = 6;
    AtomicInteger readers = new AtomicInteger();
    AtomicInteger writers = new AtomicInteger();
    AtomicInteger violations = new AtomicInteger();
    AtomicInteger writes = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        boolean writer = w % 3 == 0;
        ReadWriteLock lock = client().readWriteLock(name);
        done.add(pool.submit(() -> {
          for (int i = 0; i < 15; i++) {
            try (Lease lease = (writer ? lock.writeLock() : lock.readLock()).acquire(TTL)) {
              int w2 = writer ? writers.incrementAndGet() : writers.get();
              int r2 = writer ? readers.get() : readers.incrementAndGet();
              if (w2 > 1 || (w2 == 1 && r2 > 0)) {
                violations.incrementAndGet();
              }
              Thread.sleep(2);
              if (writer) {
                writes.incrementAndGet();
                writers.decrementAndGet();
              } else {
                readers.decrementAndGet();
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(violations.get()).isZero();
    assertThat(writes.get()).isEqualTo(2 * 15);
  }
}
