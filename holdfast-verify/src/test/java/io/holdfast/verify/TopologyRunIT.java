package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A short verify run per HA topology with failovers (tagged "ha": they start six server processes each, so they
 * run with -Pha, as in CI, not in the default build). Each asserts that a failover was injected and healed, that
 * the workload made grants, and that the properties fencing must keep under every fault held: C1, C2 and C5 are 0.
 * Overlaps and lease-loss windows (C3, C4) are measurements here, as a failover may lose a grant; the long runs
 * and their figures are in docs/safety.md.
 */
@Tag("ha")
@Timeout(120)
class TopologyRunIT {
  private static final Duration TTL = Duration.ofMillis(500);
  private static final Duration RUN = Duration.ofSeconds(15);

  @Test
  void sentinel_killedMasterFailedOver_noCountedViolations() throws InterruptedException {
    Report report = run("sentinel", TopologyKind.SENTINEL, Set.of(FaultKind.FAILOVER));

    assertFailedOverCleanly(report, "promoted");
  }

  @Test
  void cluster_killedMasterFailedOver_noCountedViolations() throws InterruptedException {
    Report report = run("cluster", TopologyKind.CLUSTER, Set.of(FaultKind.FAILOVER));

    assertFailedOverCleanly(report, "serves the slots");
  }

  @Test
  void quorum_minorityWipedRestartedAndCut_noCountedViolations() throws InterruptedException {
    Report report = run("quorum", TopologyKind.QUORUM,
        Set.of(FaultKind.FAILOVER, FaultKind.REDIS_RESTART, FaultKind.NET_CUT));

    assertFailedOverCleanly(report, "restarted without data");
    assertThat(report.history().faults()).extracting(FaultWindow::kind)
        .contains(FaultKind.REDIS_RESTART, FaultKind.NET_CUT);
  }

  private static Report run(String name, TopologyKind topology, Set<FaultKind> faults)
      throws InterruptedException {
    RunConfig config = Runs.config("topology-" + name, RUN, 2, 11, faults, Workload.standard(TTL, 4, 3),
        Duration.ofSeconds(1)).withTopology(topology);
    return Runs.run(config);
  }

  private static void assertFailedOverCleanly(Report report, String healNote) {
    List<FaultWindow> failovers = report.history().faults().stream()
        .filter(f -> f.kind() == FaultKind.FAILOVER).toList();
    assertThat(failovers).isNotEmpty()
        .allSatisfy(f -> assertThat(f.end()).isNotEqualTo(Long.MAX_VALUE))
        .anySatisfy(f -> assertThat(f.note()).contains(healNote));
    assertThat(report.acquisitions()).isGreaterThan(20);
    for (String counted : List.of("C1", "C2", "C5")) {
      CheckResult result = Runs.result(report, counted);
      assertThat(result.violations()).as(counted + ": " + String.join("\n", result.counterexample())).isZero();
    }
    assertThat(report.violations()).isZero();
  }
}
