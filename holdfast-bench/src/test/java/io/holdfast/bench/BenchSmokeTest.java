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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every workload for every contender (but the other lock systems', which {@link ExternalContendersIT} runs
 * when their servers are installed) at the smoke profile's tiny sizes against a private redis-server, so
 * that a change in Holdfast, Redisson or the harness that breaks a workload, a contender or a report fails the
 * default build instead of the next person's benchmark run. Seconds, not minutes; the numbers are not checked,
 * only that everything ran, nothing broke exclusion or fencing, every result file was written, and the read/write
 * lock and semaphore workloads found the residue the docs describe.
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
    primitivesLeaveWhatTheDocsSay(json);
  }

  /**
   * The read/write lock and semaphore workloads: Holdfast (direct and through the service) leaves no key once
   * every grant is released (docs/read-write-lock.md, docs/semaphore.md); Redisson's permit-expirable semaphore
   * leaves its permits key, without a TTL, on every name (docs/benchmarks.md). The fenced Redisson and the raw floor
   * have no such primitives and are left out.
   */
  private static void primitivesLeaveWhatTheDocsSay(String json) {
    int count = PrimitiveWorkload.count(Profile.SMOKE.scale());
    for (String workload : new String[] {"rwlock", "semaphore"}) {
      for (String contender : new String[] {"holdfast", "holdfast-service"}) {
        assertThat(memoryMetric(json, workload, contender, "residue_keys")).as(workload + " " + contender)
            .contains("0");
      }
      assertThat(memoryMetric(json, workload, "redisson", "residue_keys")).as(workload + " redisson").isPresent();
      for (String contender : new String[] {"redisson-fenced", "raw"}) {
        assertThat(memoryMetric(json, workload, contender, "residue_keys")).as(workload + " " + contender).isEmpty();
      }
    }
    assertThat(memoryMetric(json, "semaphore", "redisson", "residue_forever")).contains(String.valueOf(count));
  }

  /** A metric of a workload's memory row for a contender, as printed in results.json; empty without the row. */
  private static Optional<String> memoryMetric(String json, String workload, String contender, String metric) {
    Matcher row = Pattern.compile("\"workload\": \"" + workload + "\",\\s*\"variant\": \"memory K=\\d+\",\\s*"
        + "\"contender\": \"" + Pattern.quote(contender) + "\",\\s*\"metrics\": \\{[^}]*?\"" + metric
        + "\": (-?[0-9.]+)").matcher(json);
    return row.find() ? Optional.of(row.group(1)) : Optional.empty();
  }
}
