package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.ErrorCode;
import io.holdfast.api.v1.Reason;
import io.holdfast.server.StoreViews.Granted;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A wait whose caller has gone: never leaves a grant behind, and gives one back only once. */
class AcquireWaitTest {
  private static final ServiceException GONE = new ServiceException(ErrorCode.INTERRUPTED, Reason.CANCELLED, "gone");

  private final MemoryStore store = new MemoryStore(Duration.ofSeconds(60));
  private final ScheduledThreadPoolExecutor timers = Timers.create();
  private final AcquireWait.Setting setting = new AcquireWait.Setting(store, new WaitRoom(), timers,
      new ServiceMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), Duration.ofMillis(50));
  private final LockKey lock = new LockKey("t", "gone/x");

  @AfterEach
  void stop() {
    timers.shutdownNow();
  }

  @Test
  void answerUndelivered_afterGrant_releasesTheGrantWithoutLockDelay() {
    SessionRef session = session();
    AcquireWait wait = new AcquireWait(setting, target(session, 1));
    assertThat(wait.start().join()).isInstanceOf(Granted.class);
    wait.answerUndelivered(GONE);
    assertThat(store.inspect(lock).join()).isEmpty();
  }

  @Test
  void callerGone_afterGrantWasAnswered_keepsTheGrant() {
    SessionRef session = session();
    AcquireWait wait = new AcquireWait(setting, target(session, 1));
    assertThat(wait.start().join()).isInstanceOf(Granted.class);
    wait.callerGone(GONE); // a cancellation that comes after the answer (the caller has it)
    assertThat(store.inspect(lock).join()).isPresent();
  }

  @Test
  void answerUndelivered_twiceAfterReentrantGrant_givesBackOnlyThatHold() {
    SessionRef session = session();
    assertThat(new AcquireWait(setting, target(session, 1)).start().join()).isInstanceOf(Granted.class);
    AcquireWait reentry = new AcquireWait(setting, target(session, 2));
    assertThat(((Granted) reentry.start().join()).holds()).isEqualTo(2);
    reentry.answerUndelivered(GONE);
    reentry.answerUndelivered(GONE);
    assertThat(store.inspect(lock).join()).hasValueSatisfying(view -> assertThat(view.holds()).isEqualTo(1));
  }

  @Test
  void callerGone_whileWaiting_endsTheWaitAndTheLaterReleaseGrantsNobody() {
    SessionRef holder = session();
    Granted held = (Granted) new AcquireWait(setting, target(holder, 1)).start().join();
    AcquireWait wait = new AcquireWait(setting, new AcquireWait.Target(session(), lock, "waiter",
        Duration.ZERO, 3, Duration.ofMinutes(1), Duration.ZERO));
    var result = wait.start();
    wait.callerGone(GONE);
    assertThatThrownBy(result::join).isInstanceOf(CompletionException.class).hasCause(GONE);
    store.release(holder, lock, holder.id(), held.token(), 4).join();
    assertThat(store.listWaiters(lock).join()).isEmpty();
    assertThat(store.inspect(lock).join()).isEmpty();
  }

  private SessionRef session() {
    return new SessionRef("t", store.openSession("t", "tester", "test", Duration.ofMinutes(1), Duration.ZERO).join().id());
  }

  private AcquireWait.Target target(SessionRef session, long requestId) {
    return new AcquireWait.Target(session, lock, session.id(), Duration.ZERO, requestId, Duration.ZERO,
        Duration.ZERO);
  }
}
