package io.holdfast.cli;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/*
 * Prints the holdfast.* meters of many clients as one fleet. Every client tags its meters with its own name, so
 * meters are grouped by name and their other tags (outcome, reason, ...) with the client tag dropped; then
 * counts, totals and gauge values are summed and maxima take the largest. Works from Meter.measure(), which every
 * meter type supports, so a meter added to the library later shows up without a change here.
 */
final class MeterSummary {
  private static final String CLIENT_TAG = "client";

  private final Map<String, Map<Statistic, Double>> meters = new TreeMap<>();
  private final Map<String, String> baseUnits = new TreeMap<>();

  static MeterSummary of(List<MeterRegistry> registries) {
    MeterSummary summary = new MeterSummary();
    registries.forEach(registry -> registry.getMeters().forEach(summary::add));
    return summary;
  }

  private void add(Meter meter) {
    String key = key(meter.getId());
    Map<Statistic, Double> stats = meters.computeIfAbsent(key, k -> new TreeMap<>());
    meter.measure().forEach(measurement -> stats.merge(measurement.getStatistic(), measurement.getValue(),
        measurement.getStatistic() == Statistic.MAX ? Math::max : Double::sum));
    if (meter.getId().getBaseUnit() != null) {
      baseUnits.put(key, meter.getId().getBaseUnit());
    }
  }

  private static String key(Meter.Id id) {
    String tags = id.getTags().stream()
        .filter(tag -> !tag.getKey().equals(CLIENT_TAG))
        .map(tag -> tag.getKey() + "=" + tag.getValue())
        .collect(Collectors.joining(","));
    return tags.isEmpty() ? id.getName() : id.getName() + "{" + tags + "}";
  }

  void print(PrintWriter out, int clients) {
    out.println();
    out.println("metrics (holdfast.* meters summed over " + clients + " clients):");
    meters.forEach((key, stats) -> out.println(String.format(Locale.ROOT, "  %-45s %s", key,
        describe(stats, baseUnits.get(key)))));
    out.flush();
  }

  /* A timer reads best as count, mean and max in milliseconds; anything else as its raw statistics. */
  private static String describe(Map<Statistic, Double> stats, String baseUnit) {
    Double count = stats.get(Statistic.COUNT);
    Double total = stats.get(Statistic.TOTAL_TIME);
    if (count != null && total != null) {
      double toMillis = "seconds".equals(baseUnit) || baseUnit == null ? 1000 : 1;
      double mean = count == 0 ? 0 : total / count * toMillis;
      double max = stats.getOrDefault(Statistic.MAX, 0.0) * toMillis;
      return String.format(Locale.ROOT, "count=%.0f mean=%.2fms max=%.1fms", count, mean, max);
    }
    return stats.entrySet().stream()
        .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + "=" + number(e.getValue()))
        .collect(Collectors.joining(" "));
  }

  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value) : String.format(Locale.ROOT, "%.3f", value);
  }
}
