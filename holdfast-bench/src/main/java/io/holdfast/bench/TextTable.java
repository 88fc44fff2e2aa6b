package io.holdfast.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a workload's rows as a plain-text table for the console or as a Markdown table for the docs, with a
 * ratio to Redisson and to the raw floor (same workload and variant) for each of the workload's ratio metrics,
 * and to etcd and to ZooKeeper when the table has rows of theirs (see {@link #OTHER_SYSTEMS}).
 * A ratio is the row's value divided by the baseline's, whichever way is better for that metric.
 */
final class TextTable {
  static final String REDISSON = "redisson";
  static final String RAW = "raw";
  /**
   * The other lock systems' contenders, each system's in order of preference as a baseline: the one as durable as
   * the harness's Redis (no fsync) first, since that is the like-for-like comparison, else its default.
   */
  static final List<List<String>> OTHER_SYSTEMS =
      List.of(List.of("etcd-tmpfs", "etcd"), List.of("zookeeper-nosync", "zookeeper"));

  private TextTable() { }

  static String render(Results results, TableSpec spec, boolean markdown) {
    List<String> baselines = baselines(results, spec);
    List<String> header = new ArrayList<>(List.of("variant", "contender"));
    spec.columns().forEach(m -> header.add(m.header()));
    for (String key : spec.ratioKeys()) {
      baselines.forEach(baseline -> header.add(spec.metric(key).header() + " x" + baseline));
    }
    List<List<String>> cells = new ArrayList<>();
    for (Row row : results.rowsOf(spec.workload())) {
      List<String> line = new ArrayList<>(List.of(row.variant(), row.contender()));
      spec.columns().forEach(m -> line.add(format(row.get(m.key()), m.decimals())));
      for (String key : spec.ratioKeys()) {
        baselines.forEach(baseline -> line.add(ratio(row, results.baseline(row, baseline), key)));
      }
      cells.add(line);
    }
    return markdown ? markdown(header, cells) : plain(header, cells);
  }

  /** Redisson and the raw floor always; of each other system, its first contender that has rows here. */
  static List<String> baselines(Results results, TableSpec spec) {
    List<String> baselines = new ArrayList<>(List.of(REDISSON, RAW));
    List<Row> rows = results.rowsOf(spec.workload());
    for (List<String> system : OTHER_SYSTEMS) {
      system.stream().filter(name -> rows.stream().anyMatch(row -> row.contender().equals(name)))
          .findFirst().ifPresent(baselines::add);
    }
    return baselines;
  }

  static String format(double value, int decimals) {
    if (Double.isNaN(value)) {
      return "-";
    }
    if (Double.isInfinite(value)) {
      return "inf";
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  private static String ratio(Row row, Row baseline, String key) {
    if (baseline == null) {
      return "-";
    }
    double base = baseline.get(key);
    double value = row.get(key);
    // A zero or negative baseline (a residue of zero bytes, within noise) has no meaningful ratio.
    if (Double.isNaN(base) || Double.isNaN(value) || base <= 0) {
      return "-";
    }
    return format(value / base, 2) + "x";
  }

  private static String markdown(List<String> header, List<List<String>> cells) {
    StringBuilder out = new StringBuilder();
    out.append("| ").append(String.join(" | ", header)).append(" |\n|");
    for (int i = 0; i < header.size(); i++) {
      out.append(i < 2 ? "---|" : "--:|");
    }
    out.append('\n');
    for (List<String> line : cells) {
      out.append("| ").append(String.join(" | ", line)).append(" |\n");
    }
    return out.toString();
  }

  private static String plain(List<String> header, List<List<String>> cells) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = header.get(i).length();
      for (List<String> line : cells) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    appendLine(out, header, widths);
    for (List<String> line : cells) {
      appendLine(out, line, widths);
    }
    return out.toString();
  }

  private static void appendLine(StringBuilder out, List<String> line, int[] widths) {
    for (int i = 0; i < line.size(); i++) {
      String cell = line.get(i);
      String pad = " ".repeat(widths[i] - cell.length());
      out.append(i < 2 ? cell + pad : pad + cell).append(i + 1 < line.size() ? "  " : "\n");
    }
  }
}
