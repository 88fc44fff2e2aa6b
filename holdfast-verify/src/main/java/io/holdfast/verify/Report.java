package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The report of one run: configuration, what happened, what the checkers found. It ends with the line
 * {@code violations: N}, where N counts C1, C2 and C5 (the properties fencing must keep under every fault).
 *
 * @param config the run's configuration
 * @param topology the topology's description
 * @param lock the lock implementation's description
 * @param injected the fault kinds the schedule could pick (requested and supported)
 * @param history the recorded history
 * @param results the checkers' results, C1 to C6
 * @param clockBracketNanos the widest clock-offset bracket of a client connection
 * @param clockContradictions stamps that contradicted their bracket (0 when the clock mapping held)
 */
record Report(RunConfig config, String topology, String lock, List<FaultKind> injected, History history,
    List<CheckResult> results, long clockBracketNanos, long clockContradictions) {

  /** C1 + C2 + C5 violations. */
  long violations() {
    return results.stream().filter(CheckResult::counted).mapToLong(CheckResult::violations).sum();
  }

  long operations() {
    return history.operations().size();
  }

  long acquisitions() {
    return history.grants().size();
  }

  String render() {
    StringBuilder out = new StringBuilder();
    configuration(out);
    operations(out);
    faults(out);
    checks(out);
    out.append(String.format(Locale.ROOT, "clock mapping: widest offset bracket %.1f us, %d contradictions%n",
        clockBracketNanos / 1e3, clockContradictions));
    out.append(verdict()).append('\n');
    out.append("violations: ").append(violations()).append('\n');
    return out.toString();
  }

  /** The one-sentence result; findings of the checkers that do not count (C3, C4, C6) are named too. */
  String verdict() {
    long faults = history.faults().size();
    String base = violations() == 0
        ? String.format("no violations observed in %d operations (%d acquisitions) under %d faults", operations(),
            acquisitions(), faults)
        : String.format("%d VIOLATIONS (%s) in %d operations (%d acquisitions) under %d faults",
            violations(), results.stream().filter(CheckResult::counted).map(CheckResult::id)
                .collect(Collectors.joining("+")), operations(), acquisitions(), faults);
    String others = results.stream().filter(r -> !r.counted() && !r.passed())
        .map(r -> r.id() + " " + r.violations()).collect(Collectors.joining(", "));
    return others.isEmpty() ? base : base + "; but also findings: " + others + " (see above)";
  }

  private void configuration(StringBuilder out) {
    out.append("holdfast verify\n");
    line(out, "seed", Long.toString(config.seed()));
    line(out, "topology", topology);
    line(out, "lock", lock);
    line(out, "workload", config.workload().describe());
    line(out, "clients", config.clients() + " JVMs x " + config.workload().threads() + " workers");
    line(out, "duration", Stats.millis(config.duration().toNanos()) + " (last "
        + Stats.millis(config.quiet().toNanos()) + " without faults)");
    line(out, "ttl / lock-delay", Stats.millis(config.workload().ttl().toNanos()) + " / "
        + (config.target().isService() ? Stats.millis(config.target().lockDelay().toNanos())
            + " (the service's, after a session expiry)" : "0 ms (the library has none)"));
    line(out, "faults requested", FaultKind.names(config.faults()));
    line(out, "faults injectable", injected.isEmpty() ? "none" : injected.stream().map(FaultKind::cliName)
        .collect(Collectors.joining(",")));
    if (config.ignoreFencing()) {
      line(out, "resource", "NEGATIVE CONTROL: accepts every write, ignoring fencing tokens");
    }
  }

  private void operations(StringBuilder out) {
    out.append("operations:           ok       fail    unknown\n");
    for (Op op : List.of(Op.ACQUIRE, Op.RENEW, Op.RELEASE, Op.WRITE)) {
      Map<Type, Long> counts = new EnumMap<>(Type.class);
      history.operations().stream().filter(o -> o.op() == op)
          .forEach(o -> counts.merge(o.outcome(), 1L, Long::sum));
      out.append(String.format(Locale.ROOT, "  %-12s %10d %10d %10d%n", op.name().toLowerCase(Locale.ROOT),
          counts.getOrDefault(Type.OK, 0L), counts.getOrDefault(Type.FAIL, 0L),
          counts.getOrDefault(Type.INFO, 0L)));
    }
    out.append(String.format(Locale.ROOT, "  (write fail = rejected as stale by the fenced resource; "
        + "%d lease-lost notifications)%n", history.lost().size()));
  }

  private void faults(StringBuilder out) {
    out.append("faults:               count      total        min        max\n");
    Map<FaultKind, List<FaultWindow>> byKind = history.faults().stream()
        .collect(Collectors.groupingBy(FaultWindow::kind, () -> new EnumMap<>(FaultKind.class),
            Collectors.toList()));
    byKind.forEach((kind, windows) -> {
      long total = windows.stream().mapToLong(FaultWindow::durationNanos).sum();
      long min = windows.stream().mapToLong(FaultWindow::durationNanos).min().orElse(0);
      long max = windows.stream().mapToLong(FaultWindow::durationNanos).max().orElse(0);
      out.append(String.format(Locale.ROOT, "  %-16s %8d %10s %10s %10s%n", kind.cliName(), windows.size(),
          Stats.millis(total), Stats.millis(min), Stats.millis(max)));
    });
    if (byKind.isEmpty()) {
      out.append("  none\n");
    }
    out.append(density()).append('\n');
    out.append(FailoverGaps.describe(history));
  }

  /**
   * Faults per minute of the part of the run that may have faults (the duration without the quiet end), and
   * acquisitions per second over the whole run: the two figures that say how hard a run pressed.
   */
  String density() {
    long faults = history.faults().size();
    double faultMinutes = config.duration().minus(config.quiet()).toNanos() / 60e9;
    long kinds = history.faults().stream().map(FaultWindow::kind).distinct().count();
    return String.format(Locale.ROOT, "  density: %d faults of %d kinds in %.1f min with faults = %.1f per minute;"
        + " %.0f acquisitions per second over %d s", faults, kinds, faultMinutes,
        faultMinutes <= 0 ? 0 : faults / faultMinutes, acquisitions() / (config.duration().toNanos() / 1e9),
        config.duration().toSeconds());
  }

  private void checks(StringBuilder out) {
    out.append("checkers:\n");
    for (CheckResult result : results) {
      out.append(String.format(Locale.ROOT, "  %s %-40s %s%n", result.id(), result.title(), result.summary()));
      if (!result.counterexample().isEmpty()) {
        out.append("     first counterexample:\n");
        result.counterexample().forEach(line -> out.append("       ").append(line).append('\n'));
      }
    }
  }

  private static void line(StringBuilder out, String key, String value) {
    out.append(String.format(Locale.ROOT, "  %-18s %s%n", key, value));
  }
}
