package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The checkers through the lock service: real client JVMs on {@code holdfast://} to two real service JVMs over a
 * real redis-server. The control breaks the service path on purpose (sessions shorter than the lease and no
 * lock-delay, so a frozen or cut-off holder's session frees its lock while its lease still looks valid); C3 must
 * catch it, and the same run with the standard setup must show nothing.
 */
@Timeout(120)
class ServiceTargetIT {
  private static final Duration TTL = Duration.ofMillis(300);
  private static final Duration DURATION = Duration.ofSeconds(12);

  private static RunConfig config(String name, Target target) {
    Workload workload = Workload.standard(TTL, 3, 6).withLongHolds(0.8).withAutoRenewals(1.0);
    // A pause freezes the holder with its session; a cut leaves it running (and claiming validity) without one.
    return Runs.config(name, DURATION, 2, 42, Set.of(FaultKind.CLIENT_PAUSE, FaultKind.NET_CUT), workload,
        Duration.ofSeconds(1)).withTarget(target);
  }

  @Test
  void sessionShorterThanTheLeaseWithoutLockDelay_isCaughtByC3() throws InterruptedException {
    Target broken = Target.service(TTL).withSessionTtl(TTL.dividedBy(2)).withLockDelay(Duration.ZERO);

    Report report = Runs.run(config("control-service-short-session", broken));

    assertThat(Runs.result(report, "C3").violations()).as("unexplained lease overlaps").isPositive();
  }

  @Test
  void standardServiceSetup_sameRun_showsNoOverlapAndNoViolation() throws InterruptedException {
    Report report = Runs.run(config("service-standard", Target.service(TTL)));

    assertThat(Runs.result(report, "C3").violations()).as("unexplained lease overlaps").isZero();
    assertThat(report.violations()).isZero();
    assertThat(report.acquisitions()).isPositive();
  }
}
