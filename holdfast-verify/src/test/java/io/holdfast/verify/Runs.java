package io.holdfast.verify;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** Runs the real harness from integration tests, writing into target/verify-it/NAME. */
final class Runs {
  private Runs() { }

  static RunConfig config(String name, Duration duration, int clients, long seed, Set<FaultKind> faults,
      Workload workload, Duration livenessSlack) {
    return new RunConfig(duration, RunConfig.defaultQuiet(workload.ttl()), clients, seed, faults,
        TopologyKind.STANDALONE, 3, null, "no", workload, livenessSlack, false,
        Path.of("target", "verify-it", name), LinearizabilityChecker.DEFAULT_BUDGET, Target.library());
  }

  static Report run(RunConfig config) throws InterruptedException {
    PrintWriter progress = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    Report report = new VerifyRun(config, progress).run();
    progress.print(report.render());
    progress.flush();
    return report;
  }

  static CheckResult result(Report report, String id) {
    return report.results().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }
}
