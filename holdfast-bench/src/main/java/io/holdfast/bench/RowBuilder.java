package io.holdfast.bench;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Collects one row's metrics, including the per-operation command breakdown of a slice. */
final class RowBuilder {
  private final String workload;
  private final String variant;
  private final String contender;
  private final Map<String, Double> metrics = new LinkedHashMap<>();

  RowBuilder(String workload, String variant, String contender) {
    this.workload = workload;
    this.variant = variant;
    this.contender = contender;
  }

  RowBuilder put(String key, double value) {
    metrics.put(key, value);
    return this;
  }

  /**
   * Adds the CPU time per operation of a slice: Redis's ({@code server_cpu_us}), the harness JVM's, which runs
   * the clients ({@code client_cpu_us}), and, for a contender with a service process, the service's
   * ({@code service_cpu_us}; absent otherwise). The columns are {@link Metric#cpu}.
   */
  RowBuilder cpu(SliceResult result) {
    put("server_cpu_us", result.serverCpuPerOp());
    put("client_cpu_us", result.clientCpuPerOp());
    result.serviceCpuPerOp().ifPresent(value -> put("service_cpu_us", value));
    return this;
  }

  /** Adds {@code cmd.<name>} per operation for every command seen, most frequent first. */
  RowBuilder commandsPer(CommandDelta commands, double operations) {
    if (operations <= 0) {
      return this;
    }
    commands.calls().entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
        .forEach(e -> metrics.put("cmd." + e.getKey(), e.getValue() / operations));
    return this;
  }

  Row build() {
    return new Row(workload, variant, contender, metrics);
  }
}
