package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReportTest {

  @Test
  void density_faultsPerMinuteOfTheFaultPeriod_andAcquisitionsPerSecondOfTheRun() {
    // 123 s run, 3 s quiet: faults may come during 120 s.
    RunConfig config = Runs.config("report-test", Duration.ofSeconds(123), 2, 1L,
        Set.of(FaultKind.CLIENT_KILL, FaultKind.REDIS_PAUSE), Workload.standard(Duration.ofSeconds(1), 4, 2),
        Duration.ofMillis(500));
    HistoryBuilder builder = new HistoryBuilder();
    for (int i = 0; i < 240; i++) {
      builder.grant("c1w0", "L", "o" + i, i + 1, i * 10.0, i * 10.0 + 1);
    }
    History history = builder.fault(FaultKind.CLIENT_KILL, "c1", 5_000, 5_001)
        .fault(FaultKind.REDIS_PAUSE, "redis", 9_000, 9_500)
        .fault(FaultKind.CLIENT_KILL, "c2", 13_000, 13_001)
        .build();
    Report report = new Report(config, "standalone", "Holdfast", List.of(FaultKind.CLIENT_KILL,
        FaultKind.REDIS_PAUSE), history, List.of(), 0, 0);

    assertThat(report.density()).isEqualTo("  density: 3 faults of 2 kinds in 2.0 min with faults = 1.5 per"
        + " minute; 2 acquisitions per second over 123 s");
    assertThat(report.render()).contains(report.density());
  }
}
