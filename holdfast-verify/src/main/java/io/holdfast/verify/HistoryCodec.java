package io.holdfast.verify;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/*
 * Events as JSON lines, one flat object per line:
 *   {"i":12,"t":1234567,"p":"c1w0","type":"ok","f":"acquire","lock":"lock-3","owner":"Xy..","token":1717,
 *    "until":2234567,"note":""}
 * Hand-written because the format is flat and fixed: a JSON library would be the module's largest dependency for
 * thirty lines of code. The decoder accepts exactly what the encoder writes (plus whitespace and reordering), so
 * `holdfast verify --check FILE` can re-check a saved history.
 */
final class HistoryCodec {
  private HistoryCodec() { }

  static String encode(Event e) {
    StringBuilder out = new StringBuilder(160);
    out.append("{\"i\":").append(e.index())
        .append(",\"t\":").append(e.time())
        .append(",\"p\":");
    string(out, e.process());
    out.append(",\"type\":\"").append(e.type().name().toLowerCase(Locale.ROOT))
        .append("\",\"f\":\"").append(e.op().name().toLowerCase(Locale.ROOT)).append("\",\"lock\":");
    string(out, e.lock());
    out.append(",\"owner\":");
    string(out, e.owner());
    out.append(",\"token\":").append(e.token())
        .append(",\"until\":").append(e.until())
        .append(",\"note\":");
    string(out, e.note());
    return out.append('}').toString();
  }

  static Event decode(String line) {
    Map<String, String> fields = parseFlatObject(line);
    try {
      return new Event(
          Long.parseLong(fields.get("i")), Long.parseLong(fields.get("t")), fields.get("p"),
          Event.Type.valueOf(fields.get("type").toUpperCase(Locale.ROOT)),
          Event.Op.valueOf(fields.get("f").toUpperCase(Locale.ROOT)),
          fields.get("lock"), fields.get("owner"), Long.parseLong(fields.get("token")),
          Long.parseLong(fields.get("until")), fields.get("note"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a history event: " + line, e);
    }
  }

  private static void string(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
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

  /** Parses {"key":value,...} where values are strings or integers; numbers are returned as their text. */
  static Map<String, String> parseFlatObject(String line) {
    Map<String, String> fields = new HashMap<>();
    Cursor in = new Cursor(line.trim());
    in.expect('{');
    while (!in.peek('}')) {
      String key = in.string();
      in.expect(':');
      fields.put(key, in.peek('"') ? in.string() : in.number());
      if (!in.peek('}')) {
        in.expect(',');
      }
    }
    return fields;
  }

  /** A position in the text being parsed. */
  private static final class Cursor {
    private final String text;
    private int at;

    Cursor(String text) {
      this.text = text;
    }

    boolean peek(char c) {
      skipSpace();
      return at < text.length() && text.charAt(at) == c;
    }

    void expect(char c) {
      if (!peek(c)) {
        throw new IllegalArgumentException("expected '" + c + "' at " + at + " in " + text);
      }
      at++;
    }

    String number() {
      skipSpace();
      int start = at;
      while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '-')) {
        at++;
      }
      return text.substring(start, at);
    }

    String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (text.charAt(at) != '"') {
        char c = text.charAt(at++);
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char escaped = text.charAt(at++);
        switch (escaped) {
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            at += 4;
          }
          default -> out.append(escaped);
        }
      }
      at++;
      return out.toString();
    }

    private void skipSpace() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
    }
  }
}
