package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.api.v1.Reason;
import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.ClientFacts;
import io.holdfast.server.StoreViews.Granted;
import io.holdfast.server.StoreViews.LockView;
import io.holdfast.server.StoreViews.Renewal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The semantics of every store operation (one Lua script each on Redis), checked the same way against the Redis
 * store and the in-memory store, so that `holdfast server` behaves alike with and without --redis.
 */
// Tagged so that failsafe runs the store ITs side by side, apart from fault tests (pom.xml).
@Tag("contract")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class LockStoreContract extends SessionOwnershipContract {
  static final Duration SHORT = Duration.ofSeconds(1);

  /**
   * For the Redis-backed stores: the library on {@code libraryUri} and the service share one lock per name, each
   * sees the other's grant, and fencing tokens keep growing across the two.
   */
  void assertLibraryAndServiceShareLock(String libraryUri) {
    SessionRef session = open(Duration.ofSeconds(10), Duration.ZERO);
    LockKey lock = freshLock();
    try (Holdfast library = Holdfast.connect(libraryUri)) {
      Lease viaLibrary = library.acquire(AcquireRequest.of(lock.fullName(), Duration.ofSeconds(10)));
      assertThat(join(store().acquire(session, lock, "svc", Duration.ZERO, 1, Duration.ZERO)))
          .as("the service sees the library's grant").isInstanceOf(Busy.class);
      viaLibrary.release();
      Granted viaService = acquire(session, lock, "svc");
      assertThat(viaService.token()).isGreaterThan(viaLibrary.fencingToken().value());
      assertThat(library.tryAcquire(AcquireRequest.of(lock.fullName(), Duration.ofSeconds(5)).withWait(Duration.ZERO)))
          .as("the library sees the service's grant").isEmpty();
      join(store().release(session, lock, "svc", viaService.token(), 2));
      Lease again = library.acquire(AcquireRequest.of(lock.fullName(), Duration.ofSeconds(10)));
      assertThat(again.fencingToken().value()).isGreaterThan(viaService.token());
      again.release();
    }
  }

  Granted acquire(SessionRef session, LockKey lock, String owner) {
    AcquireResult result = join(store().acquire(session, lock, owner, Duration.ZERO, 1, Duration.ZERO));
    assertThat(result).isInstanceOf(Granted.class);
    return (Granted) result;
  }

  /**
   * Tries {@code lock} for {@code owner} without waiting, again and again, until granted (at most 10 s), so a grant
   * shows within one attempt of when the store first allows it.
   */
  Granted pollUntilGranted(SessionRef session, LockKey lock, String owner) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (long requestId = 1_000; System.nanoTime() - until < 0; requestId++) {
      AcquireResult result = join(store().acquire(session, lock, owner, Duration.ofSeconds(10), requestId,
          Duration.ZERO));
      if (result instanceof Granted granted) {
        return granted;
      }
      Thread.sleep(5);
    }
    throw new AssertionError(lock + " not granted within 10 s");
  }

  /**
   * The earliest moment, after the holder's call was sent, at which another owner may be granted a lock that is
   * held for {@code held}: that, less the library's documented drift allowance (1% + 2 ms, covering the rate of
   * the store's clock). Sound under load: the start is read before the holder's call, the end after the other's
   * grant returned, so load only lengthens what is measured.
   */
  static Duration earliestTakeover(Duration held) {
    return held.minus(HoldfastOptions.builder().embedded().build().driftAllowance(held));
  }

  @Test
  void acquire_leaseTtlRunsOut_noOtherOwnerBeforeTtlMinusDrift() throws InterruptedException {
    SessionRef holder = open(Duration.ofSeconds(10), Duration.ofSeconds(10));
    SessionRef other = open(Duration.ofSeconds(10), Duration.ZERO);
    LockKey lock = freshLock();
    long beforeSend = System.nanoTime();
    Granted held = (Granted) join(store().acquire(holder, lock, "o", SHORT, 1, Duration.ZERO));
    Granted next = pollUntilGranted(other, lock, "p");
    Duration grantedAfter = Duration.ofNanos(System.nanoTime() - beforeSend);
    assertThat(grantedAfter).as("granted to another owner %d ms after the holder's acquire was sent",
        grantedAfter.toMillis()).isGreaterThanOrEqualTo(earliestTakeover(SHORT));
    assertThat(next.token()).isGreaterThan(held.token());
  }

  @Test
  void sessionExpiry_noOtherOwnerBeforeSessionTtlPlusLockDelayMinusDrift() throws InterruptedException {
    SessionRef other = open(Duration.ofSeconds(10), Duration.ZERO);
    LockKey lock = freshLock();
    long beforeSend = System.nanoTime();
    SessionRef dying = open(SHORT, SHORT);
    Granted held = acquire(dying, lock, "o");
    Granted next = pollUntilGranted(other, lock, "p");
    Duration grantedAfter = Duration.ofNanos(System.nanoTime() - beforeSend);
    assertThat(grantedAfter).as("granted to another owner %d ms after the dying session was opened",
        grantedAfter.toMillis()).isGreaterThanOrEqualTo(earliestTakeover(SHORT.plus(SHORT)));
    assertThat(next.token()).isGreaterThan(held.token());
  }

  @Test
  void acquire_freeThenReentryThenOther_grantsSameTokenThenBusy() {
    SessionRef a = open(Duration.ofSeconds(10), Duration.ZERO);
    SessionRef b = open(Duration.ofSeconds(10), Duration.ZERO);
    LockKey lock = freshLock();
    Granted first = acquire(a, lock, "owner-a");
    AcquireResult again = join(store().acquire(a, lock, "owner-a", Duration.ZERO, 2, Duration.ZERO));
    AcquireResult repeat = join(store().acquire(a, lock, "owner-a", Duration.ZERO, 2, Duration.ZERO));
    AcquireResult other = join(store().acquire(b, lock, "owner-b", Duration.ZERO, 3, Duration.ZERO));
    assertThat(again).isEqualTo(new Granted(first.token(), 2));
    assertThat(repeat).as("same request id is not counted twice").isEqualTo(new Granted(first.token(), 2));
    assertThat(other).isInstanceOf(Busy.class);
    assertThat(((Busy) other).delayed()).isFalse();
  }

  @Test
  void giveBack_grantNoCallerReceived_freesAtOnce() {
    SessionRef session = open(Duration.ofSeconds(10), Duration.ofSeconds(30));
    LockKey lock = freshLock();
    Granted granted = (Granted) join(store().acquire(session, lock, "o", Duration.ofSeconds(10), 77, Duration.ZERO));

    assertThat(join(store().giveBack(session, lock, "o", granted.token(), 77))).isTrue();

    assertThat(join(store().inspect(lock))).as("freed, without lock-delay").isEmpty();
  }

  @Test
  void giveBack_requestAnsweredTwice_keepsTheHoldTheRepeatHandedOut() {
    SessionRef session = open(Duration.ofSeconds(10), Duration.ofSeconds(30));
    LockKey lock = freshLock();
    Granted first = (Granted) join(store().acquire(session, lock, "o", Duration.ofSeconds(10), 78, Duration.ZERO));
    Granted repeat = (Granted) join(store().acquire(session, lock, "o", Duration.ofSeconds(10), 78, Duration.ZERO));
    assertThat(repeat.token()).isEqualTo(first.token());

    join(store().giveBack(session, lock, "o", first.token(), 78)); // the first answer reached nobody

    assertThat(join(store().inspect(lock))).as("the repeat's caller still holds it").isPresent();
  }

  @Test
  void release_lastHold_freesAtOnceAndNextTokenIsLarger() {
    SessionRef a = open(Duration.ofSeconds(10), Duration.ofSeconds(5));
    LockKey lock = freshLock();
    Granted first = acquire(a, lock, "o");
    assertThat(join(store().release(a, lock, "o", first.token(), 7))).isZero();
    assertThat(join(store().inspect(lock))).isEmpty();
    Granted second = acquire(a, lock, "o");
    assertThat(second.token()).isGreaterThan(first.token());
  }

  @Test
  void release_wrongOwnerOrToken_failsNotOwnerAndChangesNothing() {
    SessionRef a = open(Duration.ofSeconds(10), Duration.ZERO);
    LockKey lock = freshLock();
    Granted held = acquire(a, lock, "o");
    assertThat(failureReason(() -> join(store().release(a, lock, "intruder", held.token(), 9))))
        .isEqualTo(Reason.NOT_OWNER);
    assertThat(failureReason(() -> join(store().release(a, lock, "o", held.token() + 1, 9))))
        .isEqualTo(Reason.NOT_OWNER);
    assertThat(join(store().inspect(lock))).get().extracting(LockView::holds).isEqualTo(1);
  }

  @Test
  void sessionExpiry_lockBoundToSession_delayedThenFree() {
    // Polled, not slept: the delayed window is the lock-delay (2 s) after the session's expiry, wherever a loaded
    // machine's scheduling puts the test thread.
    SessionRef dying = open(SHORT, SHORT.multipliedBy(2));
    SessionRef other = open(Duration.ofSeconds(30), Duration.ZERO);
    LockKey lock = freshLock();
    Granted held = acquire(dying, lock, "o");
    AcquireResult during = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(
        () -> join(store().acquire(other, lock, "p", Duration.ZERO, 1, Duration.ZERO)),
        result -> result instanceof Busy busy && busy.delayed());
    assertThat(during).isInstanceOf(Busy.class);
    assertThat(join(store().inspect(lock))).get().extracting(LockView::delayed).isEqualTo(true);
    AcquireResult next = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(
        () -> join(store().acquire(other, lock, "p", Duration.ZERO, 1, Duration.ZERO)),
        result -> result instanceof Granted);
    assertThat(((Granted) next).token()).isGreaterThan(held.token());
  }

  @Test
  void release_sessionExpiredLockInDelay_failsSessionExpiredAndKeepsTheDelay() throws InterruptedException {
    SessionRef dying = open(SHORT, Duration.ofSeconds(30));
    LockKey lock = freshLock();
    Granted held = acquire(dying, lock, "o");
    Thread.sleep(SHORT.toMillis() + 200);
    assertThat(failureReason(() -> join(store().release(dying, lock, "o", held.token(), 9))))
        .isEqualTo(Reason.SESSION_EXPIRED);
    assertThat(join(store().inspect(lock))).get().extracting(LockView::delayed).isEqualTo(true);
  }

  @Test
  void keepAlive_expiredSession_failsExpiredAndCannotRevive() throws InterruptedException {
    SessionRef session = open(SHORT, Duration.ZERO);
    Thread.sleep(SHORT.toMillis() + 100);
    assertThat(failureReason(() -> join(store().keepAlive(session, List.of())))).isEqualTo(Reason.SESSION_EXPIRED);
    assertThat(failureReason(() -> join(store().acquire(session, freshLock(), "o", Duration.ZERO, 1,
        Duration.ZERO)))).isEqualTo(Reason.SESSION_EXPIRED);
  }

  @Test
  void keepAlive_liveSession_keepsBoundLocksPastTheirTtl() throws InterruptedException {
    // Keep-alives every tenth of a 2 s TTL until well past the expiry the session had at the grant: a scheduling
    // stall would have to last most of the TTL to let the session lapse.
    Duration ttl = SHORT.multipliedBy(2);
    SessionRef session = open(ttl, ttl);
    LockKey lock = freshLock();
    acquire(session, lock, "o");
    long pastFirstExpiry = System.nanoTime() + ttl.multipliedBy(5).dividedBy(4).toNanos();
    while (System.nanoTime() - pastFirstExpiry < 0) {
      Thread.sleep(ttl.toMillis() / 10);
      join(store().keepAlive(session, List.of()));
    }
    assertThat(join(store().inspect(lock))).get().extracting(LockView::delayed).isEqualTo(false);
  }

  @Test
  void keepAlive_renewals_renewHeldLeaseAndRefuseStaleOne() {
    // The renewal asks for 3 s on a 1 s lease: the remaining time then exceeds anything the grant gave, which
    // shows the renewal without timing it; the lease then ends at its own TTL, without lock-delay.
    SessionRef session = open(Duration.ofSeconds(30), Duration.ofSeconds(30));
    LockKey lock = freshLock();
    Granted held = (Granted) join(store().acquire(session, lock, "o", SHORT, 1, Duration.ZERO));
    Duration renewedTtl = SHORT.multipliedBy(3);
    List<Boolean> renewed = join(store().keepAlive(session, List.of(new Renewal(lock, "o", held.token(),
        renewedTtl), new Renewal(lock, "o", held.token() + 1, renewedTtl)))).renewed();
    assertThat(renewed).containsExactly(true, false);
    assertThat(join(store().inspect(lock)).orElseThrow().remaining()).as("extended by the renewal")
        .isGreaterThan(SHORT).isLessThanOrEqualTo(renewedTtl);
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
        assertThat(join(store().inspect(lock))).as("lease TTL passed: free without lock-delay").isEmpty());
  }

  @Test
  void closeSession_heldLocks_releasedAtOnceWithoutDelay() {
    SessionRef closing = open(Duration.ofSeconds(10), Duration.ofSeconds(10));
    SessionRef other = open(Duration.ofSeconds(10), Duration.ZERO);
    LockKey one = freshLock();
    LockKey two = freshLock();
    acquire(closing, one, "o");
    acquire(closing, two, "o");
    assertThat(join(store().closeSession(closing))).isEqualTo(2);
    acquire(other, one, "p");
    acquire(other, two, "p");
    assertThat(failureReason(() -> join(store().keepAlive(closing, List.of())))).isEqualTo(Reason.SESSION_UNKNOWN);
  }

  @Test
  void forceRelease_heldLock_oldHolderCannotReleaseAndNextTokenLarger() {
    SessionRef holder = open(Duration.ofSeconds(10), Duration.ZERO);
    LockKey lock = freshLock();
    Granted held = acquire(holder, lock, "o");
    assertThat(join(store().forceRelease(lock, 0)).token()).isEqualTo(held.token());
    assertThat(failureReason(() -> join(store().release(holder, lock, "o", held.token(), 5))))
        .isEqualTo(Reason.NOT_OWNER);
    assertThat(join(store().keepAlive(holder, List.of(new Renewal(lock, "o", held.token(), SHORT)))).renewed())
        .containsExactly(false);
    assertThat(acquire(holder, lock, "o").token()).isGreaterThan(held.token());
  }

  @Test
  void otherTenant_session_isUnknown() {
    SessionRef mine = open(Duration.ofSeconds(10), Duration.ZERO);
    SessionRef theirs = new SessionRef("other", mine.id());
    assertThat(failureReason(() -> join(store().keepAlive(theirs, List.of())))).isEqualTo(Reason.SESSION_UNKNOWN);
    assertThat(failureReason(() -> join(store().acquire(theirs, new LockKey("other", "x"), "o", Duration.ZERO, 1,
        Duration.ZERO)))).isEqualTo(Reason.SESSION_UNKNOWN);
  }

  @Test
  void clientFacts_hostAtOpenAndOffsetAtKeepAlive_shownWithTheSessionAndItsLocks() {
    SessionRef session = new SessionRef(TENANT, join(store().openSession(TENANT, OWNER, "reporter", "worker-7.example",
        Duration.ofSeconds(10), Duration.ZERO)).id());
    SessionRef silent = open(Duration.ofSeconds(10), Duration.ZERO);
    LockKey lock = new LockKey(TENANT, "facts-" + UUID.randomUUID());
    acquire(session, lock, "o");
    assertThat(join(store().clients(TENANT, java.util.Set.of(session.id(), silent.id())))).containsOnly(
        java.util.Map.entry(session.id(), new ClientFacts("worker-7.example", java.util.Optional.empty())),
        java.util.Map.entry(silent.id(), ClientFacts.UNKNOWN));

    StoreViews.KeepAliveResult kept = join(store().keepAlive(session, List.of(),
        java.util.Optional.of(Duration.ofNanos(-1_234_567_000L))));
    assertThat(kept.storeTimeMillis()).isPositive();
    join(store().keepAlive(session, List.of())); // no offset reported: the last one stays
    ClientFacts expected = new ClientFacts("worker-7.example",
        java.util.Optional.of(Duration.ofNanos(-1_234_567_000L)));
    assertThat(join(store().listSessions(TENANT, 1000))).filteredOn(view -> view.id().equals(session.id()))
        .singleElement().satisfies(view -> assertThat(view.client()).isEqualTo(expected));
    assertThat(join(store().holders(TENANT, join(store().listLocks(TENANT, lock.name(), 10)))))
        .containsExactly(java.util.Map.entry(session.id(), expected));
    assertThat(join(store().clients("other", java.util.Set.of(session.id())))).isEmpty();
  }

  @Test
  void listLocks_followingTheCursor_listsEveryHeldLockOnceInNameOrder() {
    SessionRef holder = open(Duration.ofSeconds(10), Duration.ZERO);
    String prefix = "page-" + UUID.randomUUID() + "/";
    List<String> held = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      LockKey lock = new LockKey(TENANT, prefix + String.format("%03d", i));
      Granted granted = acquire(holder, lock, "o");
      if (i % 3 == 0 || (i >= 10 && i < 30)) { // a run of 20 free entries: more than limit * 10 of the index
        join(store().release(holder, lock, "o", granted.token(), 100 + i));
      } else {
        held.add(lock.name());
      }
    }
    join(store().acquire(holder, new LockKey(TENANT, prefix.substring(0, prefix.length() - 1)), "o",
        Duration.ZERO, 1, Duration.ZERO)); // sorts before the prefix: never listed
    List<String> walked = new ArrayList<>();
    String cursor = "";
    int pages = 0;
    do {
      StoreViews.LockPage page = join(store().listLocks(TENANT, prefix, cursor, 1));
      assertThat(page.locks()).hasSizeLessThanOrEqualTo(1);
      page.locks().forEach(view -> walked.add(view.name()));
      assertThat(page.next()).isNotEqualTo(cursor);
      cursor = page.next();
      assertThat(++pages).isLessThanOrEqualTo(40);
    } while (!cursor.isEmpty());
    assertThat(walked).containsExactlyElementsOf(held);
    assertThat(join(store().listLocks(TENANT, prefix, held.get(2), 2)).locks()).extracting(LockView::name)
        .containsExactly(held.get(3), held.get(4));
    assertThat(join(store().listLocks(TENANT, prefix, held.get(held.size() - 1), 5))).isEqualTo(
        new StoreViews.LockPage(List.of(), ""));
  }

  @Test
  void listings_locksWaitersSessions_scopedToTenant() {
    SessionRef holder = open(Duration.ofSeconds(10), Duration.ZERO);
    SessionRef waiter = open(Duration.ofSeconds(10), Duration.ZERO);
    String prefix = "list-" + UUID.randomUUID() + "/";
    LockKey lock = new LockKey(TENANT, prefix + "a");
    acquire(holder, lock, "o");
    join(store().acquire(waiter, lock, "w", Duration.ZERO, 1, Duration.ofSeconds(5)));
    List<LockView> locks = join(store().listLocks(TENANT, prefix, 100));
    assertThat(locks).extracting(LockView::name).containsExactly(prefix + "a");
    assertThat(locks.get(0).sessionId()).isEqualTo(holder.id());
    assertThat(locks.get(0).clientName()).isEqualTo("test");
    assertThat(join(store().listLocks("other", "", 100))).isEmpty();
    assertThat(join(store().listWaiters(lock))).singleElement()
        .satisfies(w -> assertThat(w.owner()).isEqualTo("w"));
    assertThat(join(store().listSessions(TENANT, 1000))).extracting(StoreViews.SessionView::id)
        .contains(holder.id(), waiter.id());
    assertThat(join(store().listSessions("other", 1000))).isEmpty();
  }

  @Test
  void housekeeping_expiredSession_countedOnce() throws InterruptedException {
    open(Duration.ofMillis(200), Duration.ZERO);
    Thread.sleep(300);
    long first = join(store().housekeeping()).expiredSessions();
    long second = join(store().housekeeping()).expiredSessions();
    assertThat(first).isGreaterThanOrEqualTo(1);
    assertThat(second).isZero();
  }

  @Test
  void keepAlive_manyLocks_extendsThemAllAndCloseReleasesThem() throws InterruptedException {
    SessionRef session = open(Duration.ofSeconds(30), Duration.ofSeconds(30));
    List<LockKey> locks = List.of(freshLock(), freshLock(), freshLock(), freshLock(), freshLock(), freshLock());
    locks.forEach(lock -> acquire(session, lock, "o"));
    Thread.sleep(1_500);
    List<Duration> before = locks.stream().map(lock -> join(store().inspect(lock)).orElseThrow().remaining()).toList();
    join(store().keepAlive(session, List.of()));
    for (int i = 0; i < locks.size(); i++) {
      LockKey lock = locks.get(i);
      Duration earlier = before.get(i);
      // The keep-alive's reply may precede its second round (bound locks), which follows at once.
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(join(store().inspect(lock)).orElseThrow().remaining()).as("extended by the keep-alive")
              .isGreaterThan(earlier));
    }
    assertThat(join(store().closeSession(session))).isEqualTo(locks.size());
    for (LockKey lock : locks) {
      assertThat(join(store().inspect(lock))).as("released without lock-delay").isEmpty();
    }
  }
}
