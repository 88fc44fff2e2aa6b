package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/*
 * Runs the whole demo in-process on the embedded backend. Crash and stall rates are high and the TTL short so
 * that three seconds see many lease expiries and stalls that overlap another node's hold.
 */
@Timeout(60)
class DemoCommandTest {

  @Test
  void demo_embeddedWithCrashesAndStalls_endsWithoutViolations() {
    CliRun run = CliRun.of("demo", "--nodes", "20", "--locks", "3", "--duration", "3s", "--ttl", "300ms",
        "--crash-rate", "0.1", "--stall-rate", "0.1", "--seed", "42");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).as(run.toString()).contains("holdfast demo summary", "backend:", "embedded:demo-",
        "nodes:", "locks:", "duration:", "failed acquisitions/min:", "wait p50/p99:", "hold p50/p99:");
    assertThat(run.out().stripTrailing().lines().reduce((first, second) -> second))
        .hasValue("fencing violations: 0");
    assertThat(run.summaryValue("nodes")).isEqualTo(20);
    assertThat(run.summaryValue("acquisitions")).as(run.toString()).isPositive();
    assertThat(run.summaryValue("crashes")).as(run.toString()).isPositive();
    assertThat(run.summaryValue("stalls")).as(run.toString()).isPositive();
    assertThat(run.summaryValue("lease expiries")).as(run.toString()).isPositive();
    assertThat(run.summaryValue("stale writes rejected")).as(run.toString()).isPositive();
  }

  @Test
  void demo_metricsAndQuiet_printsMetersAndNoProgress() {
    CliRun run = CliRun.of("demo", "--nodes", "3", "--locks", "1", "--duration", "1s", "--ttl", "200ms",
        "--crash-rate", "0", "--stall-rate", "0", "--metrics", "--quiet");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err()).as(run.toString()).doesNotContain("grants");
    assertThat(run.out()).contains("fencing violations: 0", "metrics (holdfast.* meters summed over 3 clients)",
        "holdfast.acquire{outcome=granted}");
    assertThat(run.summaryValue("crashes")).isZero();
    assertThat(run.summaryValue("lease expiries")).isZero();
  }
}
