package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.api.v1.Reason;
import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.Granted;
import io.holdfast.server.StoreViews.LockView;
import io.holdfast.server.StoreViews.Renewal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A session belongs to the principal that opened it: every store operation that takes a session, run by that
 * principal, by another principal of the tenant, and by an admin of the tenant (an empty scope). Every store runs
 * it (through {@link LockStoreContract}); the same over the wire, per transport, is {@code SessionOwnershipIT}.
 */
abstract class SessionOwnershipContract {
  static final String TENANT = "acme";
  static final String OWNER = "tester";
  static final String INTRUDER = "mallory";
  private static final Duration TTL = Duration.ofSeconds(10);

  abstract LockStore store();

  static <T> T join(CompletableFuture<T> future) {
    return future.join();
  }

  static Reason failureReason(Runnable call) {
    try {
      call.run();
    } catch (CompletionException e) {
      return ((ServiceException) e.getCause()).reason();
    } catch (ServiceException e) {
      return e.reason();
    }
    throw new AssertionError("expected a failure");
  }

  /** A session opened by {@link #OWNER}, as an admin of the tenant names it. */
  SessionRef open(Duration ttl, Duration delay) {
    return new SessionRef(TENANT, join(store().openSession(TENANT, OWNER, "test", ttl, delay)).id());
  }

  static LockKey freshLock() {
    return new LockKey(TENANT, "lock-" + UUID.randomUUID());
  }

  private static SessionRef as(String principal, SessionRef session) {
    return new SessionRef(session.tenant(), session.id(), principal);
  }

  private Granted grant(SessionRef session, LockKey lock, String owner, Duration lease) {
    AcquireResult result = join(store().acquire(session, lock, owner, lease, java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE),
        Duration.ZERO));
    assertThat(result).isInstanceOf(Granted.class);
    return (Granted) result;
  }

  private LockView held(LockKey lock) {
    return join(store().inspect(lock)).orElseThrow(() -> new AssertionError("lock " + lock + " is not held"));
  }

  @Test
  void otherPrincipal_everyOperationOnTheSession_forbiddenAndNothingChanges() {
    SessionRef mine = as(OWNER, open(TTL, Duration.ZERO));
    SessionRef theirs = as(INTRUDER, mine);
    LockKey lock = freshLock();
    Granted granted = grant(mine, lock, "o", Duration.ofSeconds(5));
    Renewal renewal = new Renewal(lock, "o", granted.token(), Duration.ofSeconds(30));

    assertThat(failureReason(() -> join(store().acquire(theirs, freshLock(), "x", Duration.ZERO, 1,
        Duration.ZERO)))).isEqualTo(Reason.FORBIDDEN);
    assertThat(failureReason(() -> join(store().acquire(theirs, lock, "o", Duration.ZERO, 2, Duration.ZERO))))
        .as("re-entry through another's session").isEqualTo(Reason.FORBIDDEN);
    assertThat(failureReason(() -> join(store().release(theirs, lock, "o", granted.token(), 3))))
        .isEqualTo(Reason.FORBIDDEN);
    assertThat(failureReason(() -> join(store().keepAlive(theirs, List.of(renewal)))))
        .isEqualTo(Reason.FORBIDDEN);
    assertThat(failureReason(() -> join(store().closeSession(theirs)))).isEqualTo(Reason.FORBIDDEN);

    LockView after = held(lock);
    assertThat(after.token()).isEqualTo(granted.token());
    assertThat(after.holds()).isEqualTo(1);
    assertThat(after.remaining()).as("the lease was not renewed to 30 s").isLessThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(join(store().release(mine, lock, "o", granted.token(), 4))).as("still the owner's").isZero();
    assertThat(join(store().closeSession(mine))).isZero();
  }

  @Test
  void adminOfTenant_everyOperationOnAClientsSession_allowed() {
    SessionRef mine = as(OWNER, open(TTL, Duration.ZERO));
    SessionRef admin = as("", mine);
    LockKey lock = freshLock();
    Granted granted = grant(mine, lock, "o", Duration.ofSeconds(5));

    assertThat(grant(admin, lock, "o", Duration.ofSeconds(5))).isEqualTo(new Granted(granted.token(), 2));
    assertThat(join(store().keepAlive(admin, List.of(new Renewal(lock, "o", granted.token(),
        Duration.ofSeconds(30))))).renewed()).containsExactly(true);
    assertThat(join(store().release(admin, lock, "o", granted.token(), 5))).isEqualTo(1);
    assertThat(join(store().closeSession(admin))).isEqualTo(1);
    assertThat(join(store().inspect(lock))).isEmpty();
    assertThat(failureReason(() -> join(store().keepAlive(mine, List.of())))).isEqualTo(Reason.SESSION_UNKNOWN);
  }

  @Test
  void samePrincipal_anotherSessionWithTheSharedOwner_reentersRenewsAndReleases() {
    SessionRef first = as(OWNER, open(TTL, Duration.ZERO));
    SessionRef second = as(OWNER, open(TTL, Duration.ZERO));
    LockKey lock = freshLock();
    Granted granted = grant(first, lock, "job-7", Duration.ofSeconds(5));

    assertThat(grant(second, lock, "job-7", Duration.ofSeconds(5))).isEqualTo(new Granted(granted.token(), 2));
    assertThat(join(store().keepAlive(second, List.of(new Renewal(lock, "job-7", granted.token(),
        Duration.ofSeconds(30))))).renewed()).containsExactly(true);
    assertThat(join(store().release(second, lock, "job-7", granted.token(), 11))).isEqualTo(1);
    assertThat(join(store().release(first, lock, "job-7", granted.token(), 12))).isZero();
  }

  @Test
  void ownSession_anotherSessionsOwnerAndToken_notOwnerBusyAndNotRenewed() {
    SessionRef victim = as(OWNER, open(TTL, Duration.ZERO));
    SessionRef intruder = new SessionRef(TENANT,
        join(store().openSession(TENANT, INTRUDER, "intruder", TTL, Duration.ZERO)).id(), INTRUDER);
    LockKey lock = freshLock();
    Granted granted = grant(victim, lock, victim.id(), Duration.ofSeconds(5));

    AcquireResult reentry = join(store().acquire(intruder, lock, victim.id(), Duration.ZERO, 6, Duration.ZERO));
    assertThat(reentry).as("the same owner in another session is another owner").isInstanceOf(Busy.class);
    assertThat(failureReason(() -> join(store().release(intruder, lock, victim.id(), granted.token(), 7))))
        .isEqualTo(Reason.NOT_OWNER);
    assertThat(join(store().keepAlive(intruder, List.of(new Renewal(lock, victim.id(), granted.token(),
        Duration.ofSeconds(30))))).renewed()).containsExactly(false);

    LockView after = held(lock);
    assertThat(after.holds()).isEqualTo(1);
    assertThat(after.sessionId()).isEqualTo(victim.id());
    assertThat(after.remaining()).isLessThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(join(store().release(victim, lock, victim.id(), granted.token(), 8))).isZero();
  }
}
