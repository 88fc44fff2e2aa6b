package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each negative control breaks one rule on purpose; the checkers must catch it, or they are broken. The locks run
 * in real client JVMs against a real redis-server under real faults, exactly as in a verify run.
 */
@Timeout(120)
class NegativeControlsIT {
  private static final Duration TTL = Duration.ofMillis(300);
  private static final Duration DURATION = Duration.ofSeconds(9);

  private static Workload tiny(String flaw) {
    return Workload.standard(TTL, 3, 4).withLock(flaw);
  }

  private static RunConfig config(String name, Set<FaultKind> faults, Workload workload) {
    return config(name, faults, workload, DURATION);
  }

  private static RunConfig config(String name, Set<FaultKind> faults, Workload workload, Duration duration) {
    return Runs.config(name, duration, 2, 42, faults, workload, Duration.ofSeconds(1));
  }

  @Test
  void releaseByPlainDel_isCaught() throws InterruptedException {
    Report report = Runs.run(config("control-release-by-del", Set.of(FaultKind.CLIENT_PAUSE),
        tiny("tiny-release-by-del")));

    assertThat(Runs.result(report, "C5").violations()).isPositive();
    assertThat(report.violations()).isPositive();
    assertThat(report.render()).contains("VIOLATIONS");
  }

  @Test
  void renewWithoutOwnerCheck_isCaught() throws InterruptedException {
    Report report = Runs.run(config("control-renew-without-owner-check", Set.of(FaultKind.CLIENT_PAUSE),
        tiny("tiny-renew-without-owner-check").withRenewals(0.8).withLongHolds(0.5)));

    assertThat(Runs.result(report, "C5").violations()).isPositive();
    assertThat(report.violations()).isPositive();
  }

  @Test
  void resourceIgnoringFencingTokens_isCaught() throws InterruptedException {
    // Only a holder frozen between its validity check and its write makes a stale write: one per holder and pause
    // at most, so this control gets more holders (6 workers per client) and a longer run than the others.
    Report report = Runs.run(config("control-ignore-fencing", Set.of(FaultKind.CLIENT_PAUSE),
        Workload.standard(TTL, 6, 6).withLongHolds(0.6).withAutoRenewals(1.0).withLateWrites(1.0),
        Duration.ofSeconds(12)).withIgnoreFencing(true));

    assertThat(Runs.result(report, "C1").violations()).isPositive();
    assertThat(report.violations()).isPositive();
  }

  @Test
  void validityFromTheWallClock_isCaughtUnderAClockStep() throws InterruptedException {
    Report report = Runs.run(config("control-wall-clock-validity", Set.of(FaultKind.CLIENT_CLOCK),
        tiny("tiny-wall-clock-validity").withLongHolds(0.8)));

    assertThat(Runs.result(report, "C3").violations()).as("unexplained lease overlaps").isPositive();
  }
}
