package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code holdfast verify --primitive election}: the library's election in client JVMs on a real redis-server under
 * client pauses (leaderships expire in pauses and at the end of a non-renewed lease) must come back clean from every
 * checker, and its negative control (terms numbered by each client, not taken from the grant) must be caught by C2,
 * the election's checker (at most one leader per term, terms increasing), in the same run configuration.
 */
@Timeout(120)
class ElectionVerifyIT {
  private static final Duration TTL = Duration.ofMillis(300);

  private static RunConfig underPauses(String election) {
    Workload workload = Workload.standard(TTL, 3, 4).withLock(election).asElection().withLongHolds(0.5);
    return Runs.config("election-pauses-" + election, Duration.ofSeconds(6), 2, 42, Set.of(FaultKind.CLIENT_PAUSE),
        workload, Duration.ofSeconds(1));
  }

  @Test
  void election_underClientPauses_everyCheckerZero() throws InterruptedException {
    Report report = Runs.run(underPauses(Workload.ELECTION));

    assertThat(report.acquisitions()).as("leaderships").isGreaterThan(50);
    assertThat(report.lock()).contains("election (campaign");
    assertThat(report.results()).extracting(CheckResult::id).containsExactly("C1", "C2", "C3", "C4", "C5", "C6");
    for (CheckResult result : report.results()) {
      assertThat(result.violations()).as(result.id() + ": " + String.join("\n", result.counterexample())).isZero();
    }
    assertThat(report.history().events()).as("leaderships lost in pauses are reported")
        .anyMatch(e -> e.op() == Event.Op.LOST);
  }

  @Test
  void termsNumberedByEachClient_isCaughtByC2() throws InterruptedException {
    Report report = Runs.run(underPauses(Workload.ELECTION_LOCAL_TERMS));

    assertThat(Runs.result(report, "C2").violations()).as("terms granted twice or out of order").isPositive();
    assertThat(report.violations()).isPositive();
  }
}
