package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.verify.Event.Op;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A short verify run of the real library under pauses, kills, Redis pauses, restarts with and without data, and
 * network cuts: every checker must come back clean. Longer runs are the documented command (docs/safety.md).
 */
@Timeout(150)
class VerifyRunIT {

  @Test
  void holdfastUnderMixedFaults_hasNoViolations() throws InterruptedException {
    Duration ttl = Duration.ofMillis(500);
    Set<FaultKind> faults = Set.of(FaultKind.CLIENT_PAUSE, FaultKind.CLIENT_KILL, FaultKind.REDIS_RESTART,
        FaultKind.REDIS_WIPE, FaultKind.REDIS_PAUSE, FaultKind.NET_CUT, FaultKind.NET_DELAY,
        FaultKind.CLIENT_CLOCK);
    RunConfig config = Runs.config("mixed-faults", Duration.ofSeconds(45), 3, 7,
        faults, Workload.standard(ttl, 4, 3), Duration.ofSeconds(1));

    Report report = Runs.run(config);

    Set<FaultKind> injected = report.history().faults().stream().map(FaultWindow::kind)
        .collect(Collectors.toSet());
    assertThat(injected).contains(FaultKind.CLIENT_PAUSE, FaultKind.CLIENT_KILL, FaultKind.REDIS_RESTART);
    assertThat(report.acquisitions()).isGreaterThan(100);
    assertThat(report.history().operations()).anyMatch(op -> op.op() == Op.WRITE && !op.isOk());
    for (CheckResult result : report.results()) {
      assertThat(result.violations()).as(result.id() + ": " + String.join("\n", result.counterexample()))
          .isZero();
    }
    assertThat(report.violations()).isZero();
    assertThat(report.render()).contains("no violations observed in").endsWith("violations: 0\n");
  }
}
