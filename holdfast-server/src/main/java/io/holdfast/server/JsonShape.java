package io.holdfast.server;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * The shape rules of an HTTP/JSON request body, checked before protobuf's JSON parser sees it: strict JSON syntax
 * (one value, no comments, no single quotes), an object at the top, each known field's JSON type as the proto
 * declares it (a string field takes a JSON string, not 123 or ["a"]; a number field a number or a decimal string,
 * as proto3 JSON writes int64; a repeated field an array; a message field an object), and every string valid
 * Unicode: an escape of U+D800 without its pair decodes to a lone surrogate, which UTF-8 cannot encode and protobuf
 * would write as '?', so two different names would become one lock. Unknown fields are left to protobuf's parser,
 * whose message names them. Every failure is a ServiceException (INVALID_ARGUMENT) with a message for a person
 * and no implementation names. Stateless; Gson's element adapter is immutable and thread-safe.
 */
final class JsonShape {
  private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);
  private static final int MAX_DEPTH = 16;
  private static final Pattern POSITION = Pattern.compile("line (\\d+) column (\\d+)");

  private JsonShape() { }

  /** Parses {@code text} strictly and checks it against {@code type}; returns the parsed object. */
  static JsonObject check(String text, Descriptor type) {
    JsonElement body = parse(text);
    if (!body.isJsonObject()) {
      throw ServiceException.badRequest("request body must be a JSON object, was " + kind(body));
    }
    object(body.getAsJsonObject(), type, "");
    return body.getAsJsonObject();
  }

  private static JsonElement parse(String text) {
    nesting(text);
    JsonReader reader = new JsonReader(new StringReader(text));
    reader.setLenient(false);
    try {
      JsonElement body = ELEMENT.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw ServiceException.badRequest("request body is not valid JSON: more after the first value" + at(reader));
      }
      return body;
    } catch (IOException | JsonParseException | IllegalStateException | NumberFormatException e) {
      throw ServiceException.badRequest("request body is not valid JSON" + position(e.getMessage()));
    }
  }

  /**
   * Refuses deep nesting before any recursive parser sees it (no request type nests more than 3 levels), and a raw
   * control character inside a string, which JSON forbids (Gson would take it, the transcoder's parser not).
   */
  private static void nesting(String text) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        } else if (c < 0x20) {
          throw ServiceException.badRequest("request body is not valid JSON: control character U+"
              + String.format("%04X", (int) c) + " inside a string at character " + i + " (JSON needs it escaped)");
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        if (++depth > MAX_DEPTH) {
          throw ServiceException.badRequest("request body nests deeper than " + MAX_DEPTH + " levels");
        }
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
  }

  private static void object(JsonObject object, Descriptor type, String path) {
    for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
      String name = path + entry.getKey();
      FieldDescriptor field = field(type, entry.getKey());
      JsonElement value = entry.getValue();
      if (field == null || value.isJsonNull()) {
        continue; // unknown: protobuf's parser names it; null: the field's default, as proto3 JSON says
      }
      if (field.isRepeated()) {
        if (!value.isJsonArray()) {
          throw mistyped(name, "a JSON array", value);
        }
        JsonArray items = value.getAsJsonArray();
        for (int i = 0; i < items.size(); i++) {
          single(field, items.get(i), name + "[" + i + "]");
        }
      } else {
        single(field, value, name);
      }
    }
  }

  private static void single(FieldDescriptor field, JsonElement value, String name) {
    switch (field.getJavaType()) {
      case MESSAGE -> {
        if (!value.isJsonObject()) {
          throw mistyped(name, "a JSON object", value);
        }
        object(value.getAsJsonObject(), field.getMessageType(), name + ".");
      }
      case STRING, BYTE_STRING -> {
        if (!isString(value)) {
          throw mistyped(name, "a JSON string", value);
        }
        unicode(name, value.getAsString());
      }
      case BOOLEAN -> {
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
          throw mistyped(name, "true or false", value);
        }
      }
      case INT, LONG, FLOAT, DOUBLE, ENUM -> {
        if (!isString(value) && !(value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber())) {
          throw mistyped(name, "a JSON number (or a decimal string)", value);
        }
      }
    }
  }

  /** Refuses a string with a lone surrogate: it is not Unicode, and UTF-8 cannot carry it. */
  static void unicode(String name, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw ServiceException.badRequest("field '" + name + "' is not valid Unicode: a lone surrogate U+"
            + String.format("%04X", (int) c) + " at character " + i + " (a \\u escape without its pair)");
      }
    }
  }

  private static FieldDescriptor field(Descriptor type, String key) {
    FieldDescriptor byName = type.findFieldByName(key);
    if (byName != null) {
      return byName;
    }
    for (FieldDescriptor field : type.getFields()) {
      if (field.getJsonName().equals(key)) {
        return field;
      }
    }
    return null;
  }

  private static boolean isString(JsonElement value) {
    return value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
  }

  private static ServiceException mistyped(String name, String expected, JsonElement value) {
    return ServiceException.badRequest("field '" + name + "' must be " + expected + ", was " + kind(value));
  }

  private static String kind(JsonElement value) {
    if (value.isJsonObject()) {
      return "an object";
    }
    if (value.isJsonArray()) {
      return "an array";
    }
    if (value.isJsonNull()) {
      return "null";
    }
    JsonPrimitive primitive = value.getAsJsonPrimitive();
    return primitive.isBoolean() ? "a boolean" : primitive.isNumber() ? "a number" : "a string";
  }

  private static String at(JsonReader reader) {
    return position(reader.toString());
  }

  /** " at line L column C" from a parser's message, and nothing else of it (it may name parser classes). */
  private static String position(String detail) {
    Matcher matcher = detail == null ? null : POSITION.matcher(detail);
    return matcher != null && matcher.find() ? " (at line " + matcher.group(1) + " column " + matcher.group(2) + ")"
        : "";
  }
}
