package io.holdfast.server;

import static io.holdfast.server.TestStubs.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.InspectRequest;
import io.holdfast.testkit.redis.RedisExtension;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Input the service must refuse rather than rewrite, and the one shape every error has: a lock name that is not
 * valid Unicode (a lone surrogate escape, raw bytes that are not UTF-8, a percent-escape that decodes to none) is
 * INVALID_ARGUMENT on HTTP and gRPC alike, never stored as a replacement character; JSON values must have the
 * proto's types; oversized messages are RESOURCE_EXHAUSTED with a message and ErrorInfo; and every HTTP error,
 * including the ones the HTTP layer answers itself (404, 405, 413, 414, 431), is the JSON error shape with no
 * implementation names in it.
 */
class WireErrorsIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;
  private static TestStubs client;
  private static String session;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .shutdownGrace(Duration.ofSeconds(1)).build());
    client = new TestStubs(server, null);
    session = client.openSession(60_000);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void stillServing() {
    assertThat(client.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void http_loneSurrogateEscapeInName_invalidArgumentAndNothingStored() {
    HttpResponse<String> response = client.post("/v1/locks/acquire",
        "{\"sessionId\":\"" + session + "\",\"name\":\"sur/a\\ud800b\"}");
    assertError(response, 400, "INVALID_ARGUMENT", "name");
    assertThat(response.body()).contains("surrogate");
    assertThat(client.locks.inspect(InspectRequest.newBuilder().setName("sur/a?b").build()).getHeld()).isFalse();
  }

  @Test
  void http_bodyBytesNotUtf8_invalidArgument() {
    byte[] body = concat("{\"sessionId\":\"" + session + "\",\"name\":\"raw/a", new byte[] {(byte) 0xFF, (byte) 0xFE},
        "b\"}");
    HttpResponse<String> response = client.post("/v1/locks/acquire", body, "application/json");
    assertError(response, 400, "INVALID_ARGUMENT", "UTF-8");
    assertThat(client.locks.inspect(InspectRequest.newBuilder().setName("raw/a\uFFFD\uFFFDb").build()).getHeld())
        .isFalse();
  }

  @Test
  void http_queryPercentEscapeNotUtf8_invalidArgument() {
    assertError(client.get("/v1/locks/inspect?name=%FF"), 400, "INVALID_ARGUMENT", "UTF-8");
    assertError(client.get("/v1/locks/inspect?name=a%ED%A0%80b"), 400, "INVALID_ARGUMENT", "UTF-8");
    assertThat(client.get("/v1/locks/inspect?name=caf%C3%A9").statusCode()).as("valid UTF-8 is fine").isEqualTo(200);
  }

  @Test
  void http_valueOfAnotherTypeThanTheProto_invalidArgumentNamingTheField() {
    HttpResponse<String> number = client.post("/v1/locks/acquire",
        "{\"sessionId\":\"" + session + "\",\"name\":123}");
    assertError(number, 400, "INVALID_ARGUMENT", "'name' must be a JSON string");
    assertThat(client.locks.inspect(InspectRequest.newBuilder().setName("123").build()).getHeld()).isFalse();
    assertError(client.post("/v1/locks/acquire", "{\"sessionId\":\"" + session + "\",\"name\":[\"a\"]}"), 400,
        "INVALID_ARGUMENT", "'name' must be a JSON string, was an array");
    assertError(client.post("/v1/sessions/keepalive", "{\"sessionId\":\"" + session + "\",\"renewals\":{}}"), 400,
        "INVALID_ARGUMENT", "'renewals' must be a JSON array");
    assertError(client.post("/v1/sessions/open", "[1]"), 400, "INVALID_ARGUMENT", "JSON object");
    assertThat(client.post("/v1/sessions/open", "{\"ttlMs\":\"15000\"}").statusCode())
        .as("int64 as a string, as proto3 JSON writes it").isEqualTo(200);
  }

  @Test
  void http_malformedJson_messageWithoutImplementationNames() {
    for (String body : new String[] {"{\"sessionId\": ", "{\"a\":1,,}", "{'x':", "\"just a string\"", "nul"}) {
      assertError(client.post("/v1/locks/acquire", body), 400, "INVALID_ARGUMENT", "JSON");
    }
  }

  @Test
  void http_errorsOfTheHttpLayer_jsonShapeWithCodeAndMessage() {
    assertError(client.get("/v1/no-such-call"), 404, "INVALID_ARGUMENT", "/v1/no-such-call");
    assertError(client.get("/v1/locks/acquire"), 405, "INVALID_ARGUMENT", "GET");
    assertError(client.post("/v1/locks/acquire", "{\"name\":\"" + "n".repeat(400_000) + "\"}"), 413,
        "RESOURCE_EXHAUSTED", "bytes");
    assertError(client.post("/v1/locks/acquire", "{\"name\":\"" + "n".repeat(100_000) + "\"}"), 413,
        "RESOURCE_EXHAUSTED", "bytes"); // over max-message-bytes, under the HTTP layer's 4x: refused by gRPC's limit
    assertError(client.getHttp1("/v1/locks/inspect?name=" + "n".repeat(20_000)), 414, "INVALID_ARGUMENT", "too long");
    assertError(client.getHttp1("/v1/locks/inspect?name=x", "x-padding", "p".repeat(20_000)), 431,
        "INVALID_ARGUMENT", "header");
  }

  @Test
  void grpc_stringNotUtf8_invalidArgumentNotInternal() {
    byte[] name = concat("raw/", new byte[] {(byte) 0xFF, (byte) 0xFE}, "");
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    message.writeBytes(AcquireRequest.newBuilder().setSessionId(session).build().toByteArray());
    message.write(0x12); // field 2 (name), length-delimited
    message.write(name.length);
    message.writeBytes(name);
    Status status = rawGrpc("/holdfast.v1.LockService/Acquire", message.toByteArray());
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("UTF-8").doesNotContain("Exception", "protobuf.");
  }

  @Test
  void grpc_oversizedMessage_resourceExhaustedWithMessageAndErrorInfo() {
    for (int size : new int[] {100_000, 300_000, 2_000_000}) {
      Status status = failure(() -> client.locks.acquire(AcquireRequest.newBuilder().setSessionId(session)
          .setName("n".repeat(size)).build()));
      assertThat(status.getCode()).as(size + " bytes").isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(status.getDescription()).as(size + " bytes").contains("65536");
    }
    com.google.rpc.Status detailed = StatusProto.fromThrowable(statusException(() -> client.locks.acquire(
        AcquireRequest.newBuilder().setSessionId(session).setName("n".repeat(100_000)).build())));
    assertThat(detailed).isNotNull();
    assertThat(detailed.getDetailsList()).anySatisfy(any -> {
      try {
        assertThat(any.unpack(ErrorInfo.class).getMetadataMap()).containsEntry("error_code", "INVALID_ARGUMENT");
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    });
  }

  /** An HTTP error in the one JSON shape: the status, grpc-code, a message naming {@code mentions}, no internals. */
  static void assertError(HttpResponse<String> response, int httpStatus, String grpcCode, String mentions) {
    String body = response.body();
    assertThat(response.statusCode()).as(body).isEqualTo(httpStatus);
    assertThat(response.headers().firstValue("content-type")).get().asString().startsWith("application/json");
    assertThat(body).as(body).contains("\"grpc-code\":\"" + grpcCode + "\"", "\"message\":\"", mentions,
        "\"domain\":\"holdfast.io\"");
    assertThat(body).as(body).doesNotContain("java.", "com.google", "com.linecorp", "io.netty", "Exception",
        "\tat ");
  }

  private static Throwable statusException(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }

  /** A unary gRPC call with a hand-made message: the status from the trailers (or trailers-only headers). */
  static Status rawGrpc(String path, byte[] message) {
    ByteBuffer frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message);
    AggregatedHttpResponse response = WebClient.of("h2c://127.0.0.1:" + server.port()).execute(
        RequestHeaders.builder(HttpMethod.POST, path).contentType(MediaType.parse("application/grpc"))
            .add("te", "trailers").build(), frame.array()).aggregate().join();
    String code = response.trailers().contains("grpc-status") ? response.trailers().get("grpc-status")
        : response.headers().get("grpc-status");
    String message64 = response.trailers().contains("grpc-message") ? response.trailers().get("grpc-message")
        : response.headers().get("grpc-message");
    Status status = Status.fromCodeValue(Integer.parseInt(code));
    return message64 == null ? status : status.withDescription(
        java.net.URLDecoder.decode(message64.replace("+", "%2B"), StandardCharsets.UTF_8));
  }

  static byte[] concat(String before, byte[] middle, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(middle);
    out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
