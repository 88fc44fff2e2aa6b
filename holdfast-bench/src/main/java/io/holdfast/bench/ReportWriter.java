package io.holdfast.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's results: tables to the console, and into the output directory {@code results.json} (every
 * metric of every row, with the machine), {@code results.csv} (one line per metric), {@code results.md} (the
 * tables as Markdown, for docs/benchmarks.md) and one {@code <workload>.svg} chart per workload.
 */
final class ReportWriter {
  private ReportWriter() { }

  static void print(Results results, PrintWriter console) {
    for (TableSpec spec : results.tables()) {
      if (results.rowsOf(spec.workload()).isEmpty()) {
        continue;
      }
      console.println();
      console.println("== " + spec.title() + " — " + spec.setup());
      console.print(TextTable.render(results, spec, false));
    }
    console.println();
    results.notes().forEach(note -> console.println("note: " + note));
    console.println(results.violations() == 0 ? "correctness: no violation seen"
        : "correctness: " + results.violations() + " VIOLATIONS, the results are invalid: "
            + results.violationSamples());
  }

  static List<Path> write(Results results, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    files.add(writeFile(dir.resolve("results.json"), Json.write(toMap(results))));
    files.add(writeFile(dir.resolve("results.csv"), csv(results)));
    files.add(writeFile(dir.resolve("results.md"), markdown(results)));
    for (TableSpec spec : results.tables()) {
      if (!results.rowsOf(spec.workload()).isEmpty() && !spec.chartKeys().isEmpty()) {
        files.add(writeFile(dir.resolve(spec.workload() + ".svg"), SvgChart.render(results, spec)));
      }
    }
    return files;
  }

  private static Path writeFile(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static Map<String, Object> toMap(Results results) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("machine", results.machine().toMap());
    root.put("profile", results.profile().name().toLowerCase(Locale.ROOT));
    root.put("valid", results.violations() == 0);
    root.put("violations", results.violations());
    root.put("violationSamples", results.violationSamples());
    root.put("notes", results.notes());
    List<Object> rows = new ArrayList<>();
    for (Row row : results.rows()) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("workload", row.workload());
      map.put("variant", row.variant());
      map.put("contender", row.contender());
      map.put("metrics", new LinkedHashMap<>(row.metrics()));
      rows.add(map);
    }
    root.put("rows", rows);
    return root;
  }

  private static String csv(Results results) {
    StringBuilder out = new StringBuilder("workload,variant,contender,metric,value\n");
    for (Row row : results.rows()) {
      row.metrics().forEach((key, value) -> out.append(row.workload()).append(',').append(row.variant())
          .append(',').append(row.contender()).append(',').append(key).append(',')
          .append(Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.6g", value)).append('\n'));
    }
    return out.toString();
  }

  private static String markdown(Results results) {
    StringBuilder out = new StringBuilder();
    Machine machine = results.machine();
    out.append("Run ").append(machine.started()).append(", profile ")
        .append(results.profile().name().toLowerCase(Locale.ROOT)).append(", ").append(machine.cores())
        .append(" cores (").append(machine.cpu()).append("), ").append(machine.os()).append(", Java ")
        .append(machine.java()).append(", Redis ").append(machine.redisVersion()).append(" (")
        .append(machine.redis()).append(")\n");
    for (TableSpec spec : results.tables()) {
      if (!results.rowsOf(spec.workload()).isEmpty()) {
        out.append("\n### ").append(spec.title()).append("\n\n").append(spec.setup()).append("\n\n")
            .append(TextTable.render(results, spec, true));
      }
    }
    out.append('\n');
    results.notes().forEach(note -> out.append("- note: ").append(note).append('\n'));
    out.append(results.violations() == 0 ? "- correctness: no violation seen\n"
        : "- correctness: " + results.violations() + " violations: " + results.violationSamples() + "\n");
    return out.toString();
  }
}
