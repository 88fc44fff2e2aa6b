package io.holdfast.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Draws one workload as a hand-written SVG: one panel per chart metric, one group of horizontal bars per
 * variant, one bar per contender, each labelled with its value. No plotting library: the chart is a few dozen
 * rectangles, and a dependency would outweigh it.
 */
final class SvgChart {
  private static final int WIDTH = 760;
  private static final int LABEL = 130;
  private static final int BAR_AREA = 480;
  private static final int BAR = 14;
  private static final int GAP = 3;
  private static final int GROUP_GAP = 12;
  private static final int PANEL_HEAD = 30;
  private static final Map<String, String> COLORS = Map.of("holdfast", "#2563eb", "redisson", "#dc2626",
      "redisson-fenced", "#f59e0b", "raw", "#6b7280", "holdfast-service", "#16a34a");

  private SvgChart() { }

  static String render(Results results, TableSpec spec) {
    List<Row> rows = results.rowsOf(spec.workload());
    Set<String> variants = new LinkedHashSet<>();
    Set<String> contenders = new LinkedHashSet<>();
    rows.forEach(r -> {
      variants.add(r.variant());
      contenders.add(r.contender());
    });
    StringBuilder body = new StringBuilder();
    int y = 50;
    for (String key : spec.chartKeys()) {
      y = panel(body, spec.metric(key), rows, new ArrayList<>(variants), new ArrayList<>(contenders), y);
    }
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
        .append(y + 10).append("\" font-family=\"sans-serif\" font-size=\"12\">\n")
        .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    text(svg, 10, 20, escape(spec.title() + " (" + results.profile().name().toLowerCase() + " run, "
        + results.machine().cores() + " cores, Redis " + results.machine().redisVersion() + ")"), "bold", 14);
    legend(svg, new ArrayList<>(contenders));
    return svg.append(body).append("</svg>\n").toString();
  }

  private static int panel(StringBuilder out, Metric metric, List<Row> rows, List<String> variants,
      List<String> contenders, int top) {
    double max = rows.stream().mapToDouble(r -> r.get(metric.key()))
        .filter(v -> !Double.isNaN(v) && !Double.isInfinite(v)).max().orElse(0);
    text(out, 10, top + 18, escape(metric.header()), "bold", 13);
    int y = top + PANEL_HEAD;
    for (String variant : variants) {
      // A variant without this metric (memory: "held" rows have no residue) gets no label and no space.
      if (rows.stream().noneMatch(r -> r.variant().equals(variant) && !Double.isNaN(r.get(metric.key())))) {
        continue;
      }
      text(out, 10, y + BAR, escape(variant), "normal", 12);
      for (String contender : contenders) {
        double value = rows.stream().filter(r -> r.variant().equals(variant) && r.contender().equals(contender))
            .mapToDouble(r -> r.get(metric.key())).findFirst().orElse(Double.NaN);
        if (Double.isNaN(value)) {
          continue;
        }
        int width = max <= 0 || Double.isInfinite(value) ? 0 : (int) Math.round(BAR_AREA * value / max);
        out.append("<rect x=\"").append(LABEL).append("\" y=\"").append(y).append("\" width=\"")
            .append(Math.max(1, width)).append("\" height=\"").append(BAR).append("\" fill=\"")
            .append(color(contender)).append("\"><title>").append(escape(contender)).append("</title></rect>\n");
        text(out, LABEL + Math.max(1, width) + 4, y + BAR - 3,
            escape(TextTable.format(value, metric.decimals())), "normal", 11);
        y += BAR + GAP;
      }
      y += GROUP_GAP;
    }
    return y + 8;
  }

  private static void legend(StringBuilder out, List<String> contenders) {
    int x = 10;
    for (String contender : contenders) {
      out.append("<rect x=\"").append(x).append("\" y=\"30\" width=\"12\" height=\"12\" fill=\"")
          .append(color(contender)).append("\"/>\n");
      text(out, x + 16, 40, escape(contender), "normal", 12);
      x += 30 + 8 * contender.length();
    }
  }

  private static void text(StringBuilder out, int x, int y, String text, String weight, int size) {
    out.append("<text x=\"").append(x).append("\" y=\"").append(y).append("\" font-weight=\"").append(weight)
        .append("\" font-size=\"").append(size).append("\">").append(text).append("</text>\n");
  }

  private static String color(String contender) {
    return COLORS.getOrDefault(contender, "#8b5cf6");
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
