package io.holdfast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.internal.WaitLoop;
import io.holdfast.spi.AcquireOutcome;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** WakeupHub's routing of release messages: a fair hand-off wakes its head's waiter only. */
@Timeout(30)
class WakeupHubTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration KEEP = Duration.ofSeconds(30);

  private final EmbeddedBackend backend = EmbeddedBackend.open(URI.create("embedded:hub-" + System.nanoTime()));
  private final WakeupHub hub = new WakeupHub(new PrimitiveCalls(backend));

  /** Counts wake-ups and always takes them, as a sleeping waiter does. */
  private static final class Counter implements WaitLoop.Sleeper {
    final AtomicInteger woken = new AtomicInteger();

    @Override
    public boolean wake() {
      woken.incrementAndGet();
      return true;
    }
  }

  private AcquireOutcome fair(LockName name, OwnerToken owner) {
    return backend.tryAcquireFair(name, owner, TTL, owner.hashCode(), Duration.ZERO, KEEP).join();
  }

  @Test
  void released_fairHandOffToTheSecondRegistered_wakesOnlyThatOwner() {
    LockName name = LockName.of("hub/fair");
    OwnerToken holder = OwnerToken.random();
    OwnerToken head = OwnerToken.random();
    OwnerToken behind = OwnerToken.random();
    AcquireOutcome.Granted held = (AcquireOutcome.Granted) fair(name, holder);
    assertThat(fair(name, head)).isInstanceOf(AcquireOutcome.Busy.class);
    assertThat(fair(name, behind)).isInstanceOf(AcquireOutcome.Busy.class);
    Counter behindWaiter = new Counter();
    Counter headWaiter = new Counter();
    hub.register(LeaseKind.LOCK, name, behindWaiter, behind).live().join(); // registered first: a plain release would wake it
    hub.register(LeaseKind.LOCK, name, headWaiter, head).live().join();

    backend.release(name, holder, held.fencingToken(), 1).join();

    await().atMost(Duration.ofSeconds(10)).until(() -> headWaiter.woken.get() == 1);
    assertThat(behindWaiter.woken).hasValue(0);
  }

  @Test
  void released_plainRelease_wakesTheLongestWaitingOnly() {
    LockName name = LockName.of("hub/plain");
    OwnerToken holder = OwnerToken.random();
    AcquireOutcome.Granted held = (AcquireOutcome.Granted) backend.tryAcquire(name, holder, TTL, 1).join();
    Counter first = new Counter();
    Counter second = new Counter();
    hub.register(LeaseKind.LOCK, name, first).live().join();
    hub.register(LeaseKind.LOCK, name, second).live().join();

    backend.release(name, holder, held.fencingToken(), 2).join();

    await().atMost(Duration.ofSeconds(10)).until(() -> first.woken.get() == 1);
    assertThat(second.woken).hasValue(0);
  }
}
