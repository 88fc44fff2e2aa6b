package io.holdfast.server;

import static io.holdfast.server.TestStubs.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.InspectRequest;
import io.holdfast.api.v1.LockInfo;
import io.holdfast.api.v1.OpenSessionRequest;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every malformed or hostile request gets a precise status and message, the service keeps serving, and the lock
 * state does not change: a lock held before each test is checked, unchanged, after it.
 */
class BadRequestIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;
  private static TestStubs client;
  private static String session;
  private static AcquireResponse held;
  private static LockInfo before;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri())).build());
    client = new TestStubs(server, null);
    session = client.openSession(60_000);
    held = client.locks.acquire(acquire("guarded").build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void snapshot() {
    before = inspect("guarded");
  }

  @AfterEach
  void unchangedAndServing() {
    assertThat(inspect("guarded")).isEqualTo(before);
    assertThat(before.getHeld()).isTrue();
    assertThat(client.get("/health").statusCode()).isEqualTo(200);
  }

  private static AcquireRequest.Builder acquire(String name) {
    return AcquireRequest.newBuilder().setSessionId(session).setName(name).setOwner("owner-1");
  }

  /** The lock's state without its remaining time, which moves on by itself. */
  private static LockInfo inspect(String name) {
    return client.locks.inspect(InspectRequest.newBuilder().setName(name).build()).toBuilder().clearRemainingMs()
        .build();
  }

  @Test
  void acquire_emptyName_invalidArgument() {
    Status status = failure(() -> client.locks.acquire(acquire("").build()));
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).isEqualTo("lock name must not be empty");
  }

  @Test
  void acquire_gigantic600ByteName_invalidArgumentNamingTheLimit() {
    Status status = failure(() -> client.locks.acquire(acquire("n".repeat(600)).build()));
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("600 bytes", "limit for tenant 'default' is 504");
  }

  @Test
  void acquire_nameWithBraceOrControlCharacter_invalidArgument() {
    assertThat(failure(() -> client.locks.acquire(acquire("a{b}").build())).getDescription()).contains("'{'");
    assertThat(failure(() -> client.locks.acquire(acquire("a\nb").build())).getDescription())
        .contains("control characters");
  }

  @Test
  void acquire_oversizedMessage_resourceExhausted() {
    Status status = failure(() -> client.locks.acquire(acquire("n".repeat(100_000)).build()));
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void ttlsAndWaits_negativeOrTooLarge_invalidArgument() {
    assertThat(failure(() -> client.sessions.openSession(OpenSessionRequest.newBuilder().setTtlMs(-5).build()))
        .getDescription()).isEqualTo("ttl_ms must be between 1000 and 3600000 (0 for the default 10000), was -5");
    assertThat(failure(() -> client.locks.acquire(acquire("x").setLeaseTtlMs(-1).build())).getDescription())
        .contains("lease_ttl_ms must be between 10 and", "was -1");
    assertThat(failure(() -> client.locks.acquire(acquire("x").setWaitTimeoutMs(-1).build())).getDescription())
        .contains("wait_timeout_ms must be between 0 and 60000", "was -1");
    assertThat(failure(() -> client.locks.acquire(acquire("x").setWaitTimeoutMs(3_600_000).build()))
        .getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void acquire_unknownOrMalformedSession_failedPreconditionOrInvalid() {
    Status unknown = failure(() -> client.locks.acquire(acquire("x").setSessionId("AAAAAAAAAAAAAAAAAAAAAA").build()));
    assertThat(unknown.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(unknown.getDescription()).contains("session AAAAAAAAAAAAAAAAAAAAAA is unknown");
    Status malformed = failure(() -> client.locks.acquire(acquire("x").setSessionId("../../etc").build()));
    assertThat(malformed.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(failure(() -> client.locks.acquire(acquire("x").setSessionId("").build())).getDescription())
        .contains("session_id must not be empty");
  }

  @Test
  void release_wrongOwnerOrToken_failedPreconditionNotOwner() {
    ReleaseRequest.Builder release = ReleaseRequest.newBuilder().setSessionId(session).setName("guarded")
        .setOwner("owner-1").setFencingToken(held.getFencingToken());
    Status wrongOwner = failure(() -> client.locks.release(release.clone().setOwner("intruder").build()));
    assertThat(wrongOwner.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(wrongOwner.getDescription()).contains("not held by owner intruder");
    Status wrongToken = failure(() -> client.locks.release(release.clone()
        .setFencingToken(held.getFencingToken() - 1).build()));
    assertThat(wrongToken.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(failure(() -> client.locks.release(release.clone().setFencingToken(0).build())).getDescription())
        .isEqualTo("fencing_token must be positive, was 0");
  }

  @Test
  void http_invalidJson_badRequestWithParserMessage() {
    HttpResponse<String> response = client.post("/v1/locks/acquire", "{\"sessionId\": ");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"grpc-code\":\"INVALID_ARGUMENT\"", "not valid JSON");
  }

  @Test
  void http_unknownOrMistypedField_badRequestNamingIt() {
    HttpResponse<String> unknown = client.post("/v1/sessions/open", "{\"tllMs\": 5000}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("Cannot find field: tllMs");
    HttpResponse<String> mistyped = client.post("/v1/sessions/open", "{\"ttlMs\": \"soon\"}");
    assertThat(mistyped.statusCode()).isEqualTo(400);
    assertThat(mistyped.body()).contains("INVALID_ARGUMENT");
  }

  @Test
  void http_formEncodedContentTypeAsCurlSends_bodyStillReadAsJson() {
    HttpResponse<String> response = client.post("/v1/sessions/open", "{\"clientName\":\"curl\"}",
        "application/x-www-form-urlencoded");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("\"clientName\":\"curl\"");
  }

  @Test
  void http_oversizedBody_refused() {
    HttpResponse<String> response = client.post("/v1/locks/acquire",
        "{\"sessionId\":\"" + session + "\",\"name\":\"" + "n".repeat(400_000) + "\"}");
    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void http_errorBody_carriesErrorInfoWithErrorCode() {
    HttpResponse<String> response = client.post("/v1/locks/release", "{\"sessionId\":\"" + session
        + "\",\"name\":\"guarded\",\"owner\":\"intruder\",\"fencingToken\":\"1\"}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"reason\":\"NOT_OWNER\"", "\"error_code\":\"LEASE_LOST\"",
        "\"domain\":\"holdfast.io\"");
  }
}
