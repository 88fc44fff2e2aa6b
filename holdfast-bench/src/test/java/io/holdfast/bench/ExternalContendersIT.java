package io.holdfast.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's and ZooKeeper's contenders through the uncontended and contended workloads at the smoke profile's sizes,
 * each against a server the harness starts: every grant passes the harness's exclusion and fencing checks, the
 * rows carry the server's CPU, the tables a ratio against the system, and no server outlives the run. Needs
 * Debian's {@code etcd-server} and {@code zookeeper} (.ci/run installs them); without one, its test says
 * "CANNOT RUN" and is skipped.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExternalContendersIT {
  @TempDir
  Path out;

  @Test
  void etcd_smokeRun_grantsPassTheChecksAndTheServerStops() throws Exception {
    runs(List.of("etcd", "etcd-tmpfs"), "xetcd-tmpfs");
  }

  @Test
  void zookeeper_smokeRun_grantsPassTheChecksAndTheServerStops() throws Exception {
    runs(List.of("zookeeper", "zookeeper-nosync"), "xzookeeper-nosync");
  }

  private void runs(List<String> contenders, String ratioHeader) throws Exception {
    Optional<String> missing = Catalog.contender(contenders.get(0), Profile.SMOKE.scale(), out).unavailable();
    assumeTrue(missing.isEmpty(), () -> "CANNOT RUN: " + missing.orElseThrow());
    StringWriter console = new StringWriter();

    BenchSummary summary = Bench.run(new BenchConfig(Optional.empty(), out, Profile.SMOKE,
        List.of("uncontended", "contended"), contenders), new PrintWriter(console, true));

    assertThat(summary.failedWorkloads()).as(console.toString()).isEmpty();
    assertThat(summary.violations()).as(console.toString()).isZero();
    assertThat(console.toString()).doesNotContain("errors, e.g.", "skipped");
    String json = Files.readString(out.resolve("results.json"), StandardCharsets.UTF_8);
    for (String contender : contenders) {
      assertThat(json).contains("\"contender\": \"" + contender + "\"");
      assertThat(Files.readString(out.resolve(contender + ".log"), StandardCharsets.UTF_8)).startsWith("== ");
    }
    assertThat(json).contains("\"service_cpu_us\"");
    assertThat(Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8)).contains(ratioHeader);
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .map(process -> process.info().commandLine().orElse("")))
        .noneMatch(command -> command.contains("etcd") || command.contains("QuorumPeerMain"));
  }
}
