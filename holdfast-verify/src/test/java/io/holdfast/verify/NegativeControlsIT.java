package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each negative control breaks one rule on purpose, and the checker that guards the rule must catch it, or it is
 * broken. Each control's run has a twin, the same run configuration with the correct lock (the tiny lock without
 * its flaw, or the resource that checks fencing tokens), in which every checker must report zero: so a control
 * cannot pass for a reason other than its flaw. The locks run in real client JVMs against a real redis-server
 * under real faults, exactly as in a verify run. Every checker, C1 to C6, has a control here.
 */
@Timeout(120)
class NegativeControlsIT {
  private static final Duration TTL = Duration.ofMillis(300);
  private static final Duration SLACK = Duration.ofSeconds(1);

  /** Client pauses; long holds that renew by hand at most steps, so leases expire in pauses and between renewals. */
  private static RunConfig underPauses(String lock) {
    Workload workload = Workload.standard(TTL, 3, 4).withLock(lock).withRenewals(0.8).withLongHolds(0.5);
    return Runs.config("control-pauses-" + lock, Duration.ofSeconds(6), 2, 42, Set.of(FaultKind.CLIENT_PAUSE),
        workload, SLACK);
  }

  /** Client wall-clock steps while most holds run past the TTL. */
  private static RunConfig underClockSteps(String lock) {
    Workload workload = Workload.standard(TTL, 3, 4).withLock(lock).withLongHolds(0.8);
    return Runs.config("control-clock-" + lock, Duration.ofSeconds(9), 2, 42, Set.of(FaultKind.CLIENT_CLOCK),
        workload, SLACK);
  }

  /**
   * Holders killed. C6 judges a kill only when no other fault comes within its bound (TTL + slack) of it; with the
   * slack equal to the TTL, the nemesis's gaps of 2 to 4 TTLs between faults always leave that room. A TTL of 1 s
   * keeps that slack above the stalls of a loaded machine (spawning the killed client's replacement JVM among
   * them); three clients and two locks keep a waiter pending on the lock a killed holder held while the killed
   * client's replacement starts.
   */
  private static RunConfig underKills(String lock) {
    Duration ttl = Duration.ofSeconds(1);
    Workload workload = Workload.standard(ttl, 2, 4).withLock(lock);
    return Runs.config("control-kills-" + lock, Duration.ofSeconds(16), 3, 42, Set.of(FaultKind.CLIENT_KILL),
        workload, ttl);
  }

  /**
   * Only a holder frozen between its validity check and its write makes a stale write: one per holder and pause at
   * most, so this configuration has more holders (6 workers per client) and a longer run than the others.
   */
  private static RunConfig fencedWritesUnderPauses(boolean ignoreFencing) {
    Workload workload = Workload.standard(TTL, 6, 6).withLongHolds(0.6).withAutoRenewals(1.0).withLateWrites(1.0);
    return Runs.config("control-fencing-" + (ignoreFencing ? "ignored" : "checked"), Duration.ofSeconds(12), 2, 42,
        Set.of(FaultKind.CLIENT_PAUSE), workload, SLACK).withIgnoreFencing(ignoreFencing);
  }

  private static long violations(Report report, String checker) {
    return Runs.result(report, checker).violations();
  }

  private static void assertEveryCheckerZero(Report report) {
    assertThat(report.acquisitions()).as("acquisitions").isGreaterThan(50);
    assertThat(report.results()).extracting(CheckResult::id).containsExactly("C1", "C2", "C3", "C4", "C5", "C6");
    for (CheckResult result : report.results()) {
      assertThat(result.violations()).as(result.id() + ": " + String.join("\n", result.counterexample())).isZero();
    }
    assertThat(report.render()).endsWith("violations: 0\n");
  }

  @Test
  void ignoreFencingTokens_isCaughtByC1() throws InterruptedException {
    Report report = Runs.run(fencedWritesUnderPauses(true));

    assertThat(violations(report, "C1")).isPositive();
    assertThat(report.violations()).isPositive();
  }

  @Test
  void checkFencingTokens_sameRun_everyCheckerZero() throws InterruptedException {
    assertEveryCheckerZero(Runs.run(fencedWritesUnderPauses(false)));
  }

  @Test
  void reusedTokens_isCaughtByC2() throws InterruptedException {
    Report report = Runs.run(underPauses("tiny-reuses-tokens"));

    assertThat(violations(report, "C2")).isPositive();
    assertThat(report.violations()).isPositive();
  }

  @Test
  void leaseExpiringEarly_isCaughtByC3AndC4() throws InterruptedException {
    Report report = Runs.run(underPauses("tiny-expires-early"));

    assertThat(violations(report, "C3")).as("unexplained lease overlaps").isPositive();
    assertThat(violations(report, "C4")).as("locks not linearizable").isPositive();
  }

  @Test
  void releaseByPlainDel_isCaughtByC5() throws InterruptedException {
    Report report = Runs.run(underPauses("tiny-release-by-del"));

    assertThat(violations(report, "C5")).isPositive();
    assertThat(report.violations()).isPositive();
    assertThat(report.render()).contains("VIOLATIONS");
  }

  @Test
  void renewWithoutOwnerCheck_isCaughtByC5() throws InterruptedException {
    Report report = Runs.run(underPauses("tiny-renew-without-owner-check"));

    assertThat(violations(report, "C5")).isPositive();
    assertThat(report.violations()).isPositive();
  }

  @Test
  void correctTinyLock_sameRunAsThePauseControls_everyCheckerZero() throws InterruptedException {
    assertEveryCheckerZero(Runs.run(underPauses("tiny")));
  }

  @Test
  void validityFromTheWallClock_isCaughtByC3UnderAClockStep() throws InterruptedException {
    Report report = Runs.run(underClockSteps("tiny-wall-clock-validity"));

    assertThat(violations(report, "C3")).as("unexplained lease overlaps").isPositive();
  }

  @Test
  void correctTinyLock_sameRunAsTheClockControl_everyCheckerZero() throws InterruptedException {
    assertEveryCheckerZero(Runs.run(underClockSteps("tiny")));
  }

  @Test
  void deadHolderBlockingFor5Ttl_isCaughtByC6() throws InterruptedException {
    Report report = Runs.run(underKills("tiny-expires-late"));

    assertThat(violations(report, "C6")).as("takeovers later than TTL + slack after a kill").isPositive();
  }

  @Test
  void correctTinyLock_sameRunAsTheLivenessControl_everyCheckerZero() throws InterruptedException {
    assertEveryCheckerZero(Runs.run(underKills("tiny")));
  }
}
