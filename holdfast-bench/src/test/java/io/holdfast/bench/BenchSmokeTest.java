package io.holdfast.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Runs every workload for every contender (but the other lock systems', which {@link ExternalContendersIT} runs
 * when their servers are installed) at the smoke profile's tiny sizes against a private redis-server, so
 * that a change in Holdfast, Redisson or the harness that breaks a workload, a contender or a report fails the
 * default build instead of the next person's benchmark run. Seconds, not minutes; the numbers are not checked,
 * only that everything ran, nothing broke exclusion or fencing, and every result file was written.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BenchSmokeTest {

  @Test
  void everyWorkloadRunsForEveryContenderAndWritesItsResults(@TempDir Path out) throws Exception {
    StringWriter console = new StringWriter();
    List<String> contenders = BenchConfig.CONTENDERS.stream()
        .filter(name -> !Catalog.OTHER_SYSTEMS.contains(name)).toList();
    BenchConfig config = new BenchConfig(Optional.empty(), out, Profile.SMOKE, BenchConfig.WORKLOADS, contenders);

    BenchSummary summary = Bench.run(config, new PrintWriter(console, true));

    assertThat(summary.failedWorkloads()).as(console.toString()).isEmpty();
    assertThat(summary.violations()).as(console.toString()).isZero();
    assertThat(summary.exitCode()).isZero();
    String json = Files.readString(out.resolve("results.json"), StandardCharsets.UTF_8);
    assertThat(json).contains("\"valid\": true", "\"redisVersion\"");
    for (String workload : BenchConfig.WORKLOADS) {
      assertThat(json).contains("\"workload\": \"" + workload + "\"");
    }
    for (String contender : contenders) {
      assertThat(json).contains("\"contender\": \"" + contender + "\"");
    }
    assertThat(out.resolve("results.csv")).isNotEmptyFile();
    // The service's CPU, read from its child process, beside the client's; Linux, macOS and Windows report it.
    assertThat(json).contains("\"service_cpu_us\"", "\"client_cpu_us\"");
    assertThat(Files.readString(out.resolve("results.md")))
        .contains("| variant | contender |", "| client CPU us/cycle | service CPU us/cycle |", "| 4 nodes |");
    assertThat(Files.readString(out.resolve(Catalog.SERVICE_LOG))).contains(ServiceMain.READY_PREFIX);
    for (String chart : new String[] {"uncontended", "contended", "renewal", "memory", "fleet"}) {
      assertThat(Files.readString(out.resolve(chart + ".svg"))).startsWith("<svg").contains("</svg>");
    }
    assertThat(console.toString()).contains("correctness: no violation seen");
  }
}
