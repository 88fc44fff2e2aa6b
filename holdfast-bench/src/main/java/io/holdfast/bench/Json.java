package io.holdfast.bench;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** A minimal JSON writer for the result file: maps, lists, strings, numbers, booleans and null. */
final class Json {
  private Json() { }

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, "");
    return out.append('\n').toString();
  }

  private static void write(StringBuilder out, Object value, String indent) {
    if (value instanceof Map<?, ?> map) {
      writeMap(out, map, indent);
    } else if (value instanceof List<?> list) {
      writeList(out, list, indent);
    } else if (value instanceof String text) {
      string(out, text);
    } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
      out.append("null");
    } else if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      out.append(d.longValue());
    } else {
      out.append(value);
    }
  }

  private static void writeMap(StringBuilder out, Map<?, ?> map, String indent) {
    String inner = indent + "  ";
    out.append('{');
    Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<?, ?> entry = entries.next();
      out.append('\n').append(inner);
      string(out, String.valueOf(entry.getKey()));
      out.append(": ");
      write(out, entry.getValue(), inner);
      out.append(entries.hasNext() ? "," : "");
    }
    out.append(map.isEmpty() ? "}" : "\n" + indent + "}");
  }

  private static void writeList(StringBuilder out, List<?> list, String indent) {
    String inner = indent + "  ";
    out.append('[');
    for (int i = 0; i < list.size(); i++) {
      out.append('\n').append(inner);
      write(out, list.get(i), inner);
      out.append(i + 1 < list.size() ? "," : "");
    }
    out.append(list.isEmpty() ? "]" : "\n" + indent + "]");
  }

  private static void string(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
