package io.holdfast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.internal.WaitLoop;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WakeupHub keeps a name's subscription open for a linger after its last waiter left, so waiters that come and go
 * do not open and close one per wait (on the lock service, a watch stream per wait whose cancels are HTTP/2 resets).
 */
@Timeout(30)
class WakeupHubLingerTest {
  private static final WaitLoop.Sleeper ASLEEP = () -> true;

  private final FaultyBackend backend = new FaultyBackend();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private WakeupHub hub(Duration linger) {
    return new WakeupHub(new PrimitiveCalls(backend), scheduler, linger);
  }

  @Test
  void register_waitersOneAfterAnotherWithinTheLinger_shareOneSubscription() {
    WakeupHub hub = hub(Duration.ofSeconds(20));
    LockName name = LockName.of("linger/busy");

    for (int i = 0; i < 50; i++) {
      WakeupHub.Registration waiter = hub.register(LeaseKind.LOCK, name, ASLEEP);
      waiter.live().join();
      waiter.close();
    }

    assertThat(backend.subscribeCalls).hasValue(1);
    assertThat(backend.subscriptionsClosed).hasValue(0);
  }

  @Test
  void lastWaiterLeft_lingerPassesWithNobody_subscriptionClosedAndTheNextWaiterSubscribesAgain() {
    WakeupHub hub = hub(Duration.ofMillis(100));
    LockName name = LockName.of("linger/idle");
    WakeupHub.Registration waiter = hub.register(LeaseKind.LOCK, name, ASLEEP);
    waiter.live().join();

    waiter.close();

    await().atMost(Duration.ofSeconds(10)).until(() -> backend.subscriptionsClosed.get() == 1);
    hub.register(LeaseKind.LOCK, name, ASLEEP).live().join();
    assertThat(backend.subscribeCalls).hasValue(2);
  }

  @Test
  void lastWaiterLeft_subscriptionFailed_notKeptSoTheNextWaiterTriesAgain() {
    WakeupHub hub = hub(Duration.ofSeconds(20));
    LockName name = LockName.of("linger/failed");
    backend.failSubscribe = true;
    WakeupHub.Registration waiter = hub.register(LeaseKind.LOCK, name, ASLEEP);
    assertThat(waiter.live()).isCompletedExceptionally();

    waiter.close();
    backend.failSubscribe = false;

    assertThat(hub.register(LeaseKind.LOCK, name, ASLEEP).live().join()).isNotNull();
    assertThat(backend.subscribeCalls).hasValue(2);
  }

  @Test
  void noLinger_lastWaiterLeft_closesAtOnce() {
    WakeupHub hub = new WakeupHub(new PrimitiveCalls(backend));
    WakeupHub.Registration waiter = hub.register(LeaseKind.LOCK, LockName.of("linger/none"), ASLEEP);
    waiter.live().join();

    waiter.close();

    assertThat(backend.subscriptionsClosed).hasValue(1);
  }
}
