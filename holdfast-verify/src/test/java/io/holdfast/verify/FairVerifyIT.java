package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code holdfast verify --primitive fair}: the library's fair lock in client JVMs on a real redis-server under
 * client pauses (a paused waiter's place lapses, a paused holder's lease expires) must come back clean from every
 * checker, C7 (first in, first out) included, with places in line to judge; and its negative control (a waiter that
 * finds the lock free tries the plain lock, passing the line) must be caught by C7 in the same run configuration.
 * Short runs (4 s each) with contention: 2 clients x 4 workers on 2 locks.
 */
@Timeout(90)
class FairVerifyIT {
  private static final Duration TTL = Duration.ofMillis(300);

  private static RunConfig underPauses(String lock) {
    Workload workload = Workload.standard(TTL, 2, 4).withLock(lock).asFair().withLongHolds(0.2);
    return Runs.config("fair-pauses-" + lock, Duration.ofSeconds(4), 2, 43, Set.of(FaultKind.CLIENT_PAUSE),
        workload, Duration.ofSeconds(1));
  }

  @Test
  void fair_underClientPauses_everyCheckerZero() throws InterruptedException {
    Report report = Runs.run(underPauses(Workload.FAIR));

    assertThat(report.acquisitions()).as("grants").isGreaterThan(50);
    assertThat(report.lock()).contains("fair lock (C7");
    assertThat(report.results()).extracting(CheckResult::id)
        .containsExactly("C1", "C2", "C3", "C4", "C5", "C6", "C7");
    for (CheckResult result : report.results()) {
      assertThat(result.violations()).as(result.id() + ": " + String.join("\n", result.counterexample())).isZero();
    }
    assertThat(report.history().queued()).as("busy answers that named a place in line").hasSizeGreaterThan(20);
  }

  @Test
  void bargingFairLock_isCaughtByC7() throws InterruptedException {
    Report report = Runs.run(underPauses(Workload.FAIR_BARGING));

    assertThat(Runs.result(report, "C7").violations()).as("grants that passed a waiter in line").isPositive();
    assertThat(report.violations()).isPositive();
  }
}
