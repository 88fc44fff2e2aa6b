package io.holdfast.server;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import io.holdfast.api.v1.HoldfastProto;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates hostile requests for the wire fuzz test from one seeded Random, so a failure is replayed by its seed
 * and case number: HTTP/JSON bodies built field by field from the request type's descriptor with values of every
 * JSON type, odd strings (lone surrogate escapes, control characters, braces, 600-byte names) and numbers out of
 * range, then mutated as text or bytes (truncated, invalid UTF-8 inserted, nested deep, replaced by noise); query
 * strings with bad percent-escapes; and gRPC frames of every unary method, built from random field values and then
 * corrupted byte by byte (flipped bytes, invalid UTF-8 in a string, cut short, a lying length prefix, the
 * compressed flag without compression). Valid requests are generated too, with the sessions the test opened, so
 * the service does real work between the refusals. Not thread-safe: one per test.
 */
final class WireFuzz {
  /** One HTTP request: method, path with query, body bytes (null for GET). */
  record Http(String method, String path, byte[] body) { }

  /** One gRPC call: the method's path and the whole request body (5-byte prefix and message). */
  record Grpc(String path, byte[] frame) { }

  static final List<String> POSTS = List.of("/v1/sessions/open", "/v1/sessions/keepalive", "/v1/sessions/close",
      "/v1/locks/acquire", "/v1/locks/try-acquire", "/v1/locks/release", "/v1/locks/renew",
      "/v1/admin/force-release");
  private static final List<String> GETS = List.of("/v1/locks/inspect", "/v1/admin/locks", "/v1/admin/waiters",
      "/v1/admin/sessions", "/v1/no-such", "/v2/locks/acquire", "/health");
  private static final List<String> STRINGS = List.of("fuzz/a", "fuzz/é", "fuzz/\\ud800", "fuzz/\\udc00x",
      "\\u0000", "a{b}", "", " ", "fuzz/\\ud83d\\udd12", "../../etc/passwd", "%FF", "'; DROP", "\\\"");
  private static final List<String> NUMBERS = List.of("0", "-1", "1", "50", "9223372036854775807",
      "-9223372036854775808", "9223372036854775808", "1e309", "1.5", "\"100\"", "\"soon\"", "NaN", "-0");

  private final Random random;
  private final List<String> sessions;

  WireFuzz(long seed, List<String> sessions) {
    this.random = new Random(seed);
    this.sessions = sessions;
  }

  Http http() {
    if (random.nextInt(5) == 0) {
      String query = switch (random.nextInt(5)) {
        case 0 -> "name=" + pick(List.of("%FF", "%ED%A0%80", "%C0%80", "%", "%G1", "fuzz%2Fa", "caf%C3%A9"));
        case 1 -> "prefix=" + pick(List.of("a{", "%00", "x".repeat(600), "")) + "&limit=" + pick(NUMBERS);
        case 2 -> "name=" + "n".repeat(random.nextInt(3) * 300);
        case 3 -> "";
        default -> "name=fuzz/a&name=fuzz/b&unknown=1";
      };
      return new Http("GET", pick(GETS) + (query.isEmpty() ? "" : "?" + query), null);
    }
    String path = pick(POSTS);
    byte[] body = mutate(json(descriptor(path), 0).getBytes(StandardCharsets.UTF_8));
    return new Http(random.nextInt(20) == 0 ? "PUT" : "POST", path, body);
  }

  Grpc grpc() {
    List<MethodDescriptor> methods = unaryMethods();
    MethodDescriptor method = pick(methods);
    DynamicMessage.Builder message = DynamicMessage.newBuilder(method.getInputType());
    for (FieldDescriptor field : method.getInputType().getFields()) {
      if (random.nextBoolean() && !field.isRepeated() && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        message.setField(field, value(field));
      }
    }
    byte[] bytes = message.build().toByteArray();
    bytes = switch (random.nextInt(6)) {
      case 0 -> bytes;
      case 1 -> flip(bytes);
      case 2 -> withInvalidUtf8String(bytes);
      case 3 -> java.util.Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
      case 4 -> noise(random.nextInt(64));
      default -> concat(bytes, noise(random.nextInt(8)));
    };
    int declared = random.nextInt(10) == 0 ? bytes.length + 1 + random.nextInt(100) : bytes.length;
    byte flag = (byte) (random.nextInt(15) == 0 ? 1 : 0);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(flag);
    frame.writeBytes(new byte[] {(byte) (declared >>> 24), (byte) (declared >>> 16), (byte) (declared >>> 8),
        (byte) declared});
    frame.writeBytes(bytes);
    String path = random.nextInt(30) == 0 ? "/holdfast.v1.LockService/NoSuchMethod"
        : "/" + method.getService().getFullName() + "/" + method.getName();
    return new Grpc(path, frame.toByteArray());
  }

  private String json(Descriptor type, int depth) {
    StringBuilder out = new StringBuilder("{");
    String separator = "";
    for (FieldDescriptor field : type.getFields()) {
      if (random.nextInt(3) == 0) {
        continue;
      }
      String name = random.nextBoolean() ? field.getJsonName() : field.getName();
      out.append(separator).append('"').append(name).append("\":").append(jsonValue(field, depth));
      separator = ",";
    }
    if (random.nextInt(10) == 0) {
      out.append(separator).append("\"unknownField\":1");
    }
    return out.append('}').toString();
  }

  private String jsonValue(FieldDescriptor field, int depth) {
    if (random.nextInt(8) == 0) {
      return pick(List.of("null", "true", "[]", "{}", "123", "\"x\"", "[\"a\"]", "{\"a\":1}"));
    }
    if (field.isRepeated()) {
      return "[" + (depth < 2 && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          ? json(field.getMessageType(), depth + 1) : "") + "]";
    }
    return switch (field.getJavaType()) {
      case STRING -> field.getName().equals("session_id") && random.nextInt(3) > 0
          ? "\"" + pick(sessions) + "\"" : "\"" + pick(STRINGS) + "\"";
      case LONG, INT -> pick(NUMBERS);
      case BOOLEAN -> random.nextBoolean() ? "true" : "\"true\"";
      case MESSAGE -> depth < 2 ? json(field.getMessageType(), depth + 1) : "{}";
      default -> "\"" + pick(STRINGS) + "\"";
    };
  }

  private Object value(FieldDescriptor field) {
    return switch (field.getJavaType()) {
      case STRING -> field.getName().equals("session_id") && random.nextBoolean() ? pick(sessions)
          : pick(List.of("fuzz/a", "fuzz/é", "", "a{b}", "x".repeat(600), "fuzz/\uD83D\uDD12", "\u0000"));
      case LONG -> pick(List.of(0L, -1L, 1L, 50L, Long.MAX_VALUE, Long.MIN_VALUE, 10_000L));
      case INT -> pick(List.of(0, -1, 1, 5_000, Integer.MAX_VALUE));
      case BOOLEAN -> random.nextBoolean();
      case ENUM -> field.getEnumType().getValues().get(0);
      default -> throw new IllegalStateException("no generator for " + field.getJavaType());
    };
  }

  private byte[] mutate(byte[] body) {
    return switch (random.nextInt(8)) {
      case 0, 1, 2 -> body;
      case 3 -> java.util.Arrays.copyOf(body, random.nextInt(body.length + 1));
      case 4 -> insert(body, pick(List.of(new byte[] {(byte) 0xFF, (byte) 0xFE}, new byte[] {(byte) 0xC0,
          (byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {0})));
      case 5 -> ("[".repeat(random.nextInt(20_000)) + "1").getBytes(StandardCharsets.UTF_8);
      case 6 -> noise(random.nextInt(200));
      default -> flip(body);
    };
  }

  private byte[] insert(byte[] body, byte[] piece) {
    int at = random.nextInt(body.length + 1);
    return concat(concat(java.util.Arrays.copyOf(body, at), piece),
        java.util.Arrays.copyOfRange(body, at, body.length));
  }

  private byte[] withInvalidUtf8String(byte[] bytes) {
    byte[] name = {(byte) 0xFF, (byte) 0xFE, 'x'};
    return concat(bytes, concat(new byte[] {0x12, (byte) name.length}, name)); // field 2: every request's string
  }

  private byte[] flip(byte[] bytes) {
    byte[] out = bytes.clone();
    for (int i = 0; i < 1 + random.nextInt(3) && out.length > 0; i++) {
      out[random.nextInt(out.length)] = (byte) random.nextInt(256);
    }
    return out;
  }

  private byte[] noise(int length) {
    byte[] out = new byte[length];
    random.nextBytes(out);
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  private static Descriptor descriptor(String path) {
    for (MethodDescriptor method : unaryMethods()) {
      String name = method.getName();
      if (path.endsWith(httpName(name))) {
        return method.getInputType();
      }
    }
    throw new IllegalArgumentException(path);
  }

  private static String httpName(String method) {
    return switch (method) {
      case "OpenSession" -> "/sessions/open";
      case "KeepAlive" -> "/sessions/keepalive";
      case "CloseSession" -> "/sessions/close";
      case "TryAcquire" -> "/locks/try-acquire";
      case "ForceRelease" -> "/admin/force-release";
      default -> "/" + method.toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static List<MethodDescriptor> unaryMethods() {
    List<MethodDescriptor> out = new ArrayList<>();
    for (var service : HoldfastProto.getDescriptor().getServices()) {
      for (MethodDescriptor method : service.getMethods()) {
        if (!method.isClientStreaming() && !method.isServerStreaming()) {
          out.add(method);
        }
      }
    }
    return out;
  }
}
