package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RoleWatchTest {
  private final AtomicReference<RoleWatch.Roles> roles = new AtomicReference<>(settled("master :1"));
  private final AtomicBoolean faultActive = new AtomicBoolean();
  private final Semaphore polls = new Semaphore(0);
  private final BlockingQueue<String> reported = new LinkedBlockingQueue<>();

  @Test
  void changeDuringAFault_isNotReported_butOneWithoutIs_onceSettled() throws InterruptedException {
    try (RoleWatch watch = watch()) {
      awaitPolls(2);
      faultActive.set(true);
      roles.set(settled("master :2"));
      awaitPolls(2);
      faultActive.set(false);
      awaitPolls(2);
      roles.set(new RoleWatch.Roles("masters :2,:3", false));
      awaitPolls(2);
      assertThat(reported).isEmpty();
      roles.set(settled("master :3"));

      assertThat(reported.poll(30, TimeUnit.SECONDS))
          .isEqualTo("unplanned failover (not injected): master :2 -> master :3");
      awaitPolls(2);
      assertThat(reported).isEmpty();
    }
  }

  @Test
  void changeStillUnsettled_isReportedAtClose() throws InterruptedException {
    try (RoleWatch watch = watch()) {
      awaitPolls(2);
      roles.set(new RoleWatch.Roles("masters :1,:2", false));
      awaitPolls(2);
    }

    assertThat(reported).containsExactly(
        "unplanned failover (not injected): master :1 -> (still unsettled when the run ended)");
  }

  @Test
  void failingPolls_areSkipped() throws InterruptedException {
    AtomicBoolean failing = new AtomicBoolean(true);
    try (RoleWatch watch = new RoleWatch(() -> {
      polls.release();
      if (failing.get()) {
        throw new IllegalStateException("no sentinel is running");
      }
      return settled("master :1");
    }, faultActive::get, (from, to, note) -> reported.add(note))) {
      awaitPolls(2);
      failing.set(false);
      awaitPolls(2);

      assertThat(reported).isEmpty();
    }
  }

  private RoleWatch watch() {
    return new RoleWatch(() -> {
      polls.release();
      return roles.get();
    }, faultActive::get, (from, to, note) -> reported.add(note));
  }

  private static RoleWatch.Roles settled(String text) {
    return new RoleWatch.Roles(text, true);
  }

  /** Waits for this many more polls (an ordering, not a timing: each poll reads the state set before it). */
  private void awaitPolls(int count) throws InterruptedException {
    polls.drainPermits();
    assertThat(polls.tryAcquire(count, 30, TimeUnit.SECONDS)).isTrue();
  }
}
