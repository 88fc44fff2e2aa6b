package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.KeepAliveResponse;
import io.holdfast.api.v1.ListLocksResponse;
import io.holdfast.api.v1.ListSessionsResponse;
import io.holdfast.api.v1.LockInfo;
import io.holdfast.api.v1.ReleaseResponse;
import io.holdfast.api.v1.Session;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP/JSON face of the service on the paths users take (docs/server.md): acquire, inspect and release
 * succeeding, a waiter told {@code lockDelayed} after its holder's session expired, false and zero fields printed
 * (a busy try-acquire, a last release), 409 for an acquire whose wait ran out, and 403 for a client token on an
 * admin call. Answers are parsed into the wire messages, so a renamed or mistyped field fails here.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpJsonIT {
  private static final String CLIENT = "acme-client-token-http1";
  private static final String ADMIN = "acme-admin-token-http01";
  private static final Duration LOCK_DELAY = Duration.ofSeconds(20);

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;
  private static TestStubs http;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .token(TokenGrant.parse(CLIENT + ":acme:client")).token(TokenGrant.parse(ADMIN + ":acme:admin"))
        .lockDelay(LOCK_DELAY).recheckInterval(Duration.ofMillis(200)).shutdownGrace(Duration.ofSeconds(1))
        .build());
    http = new TestStubs(server, CLIENT);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void acquireInspectRelease_overJson_grantAndFreeTheLock() {
    String session = openSession(30_000);
    String name = "http/" + UUID.randomUUID();

    AcquireResponse granted = ok(http.post("/v1/locks/acquire", "{\"sessionId\":\"" + session + "\",\"name\":\""
        + name + "\",\"owner\":\"worker-1\",\"leaseTtlMs\":\"10000\"}"), AcquireResponse.getDefaultInstance());
    assertThat(granted.getAcquired()).isTrue();
    assertThat(granted.getFencingToken()).isPositive();
    assertThat(granted.getHoldCount()).isEqualTo(1);

    LockInfo held = ok(http.get("/v1/locks/inspect?name=" + name), LockInfo.getDefaultInstance());
    assertThat(held.getHeld()).isTrue();
    assertThat(held.getOwner()).isEqualTo("worker-1");
    assertThat(held.getFencingToken()).isEqualTo(granted.getFencingToken());
    assertThat(held.getRemainingMs()).isBetween(1L, 10_000L);

    ReleaseResponse released = ok(http.post("/v1/locks/release", "{\"sessionId\":\"" + session + "\",\"name\":\""
        + name + "\",\"owner\":\"worker-1\",\"fencingToken\":\"" + granted.getFencingToken() + "\"}"),
        ReleaseResponse.getDefaultInstance());
    assertThat(released.getRemainingHolds()).isZero();
    assertThat(ok(http.get("/v1/locks/inspect?name=" + name), LockInfo.getDefaultInstance()).getHeld()).isFalse();
  }

  @Test
  void listLocksAndSessions_overJson_pageTokenAndClientFacts() {
    String session = ok(http.post("/v1/sessions/open", "{\"clientName\":\"http-pager\",\"clientHost\":"
        + "\"pager-1.example\"}"), Session.getDefaultInstance()).getSessionId();
    String prefix = "http-page/" + UUID.randomUUID() + "/";
    for (String name : List.of("a", "b")) {
      assertThat(ok(http.post("/v1/locks/acquire", "{\"sessionId\":\"" + session + "\",\"name\":\"" + prefix
          + name + "\"}"), AcquireResponse.getDefaultInstance()).getAcquired()).isTrue();
    }
    ok(http.post("/v1/sessions/keepalive", "{\"sessionId\":\"" + session + "\",\"clockOffsetUs\":\"-2500\"}"),
        KeepAliveResponse.getDefaultInstance());

    ListLocksResponse first = ok(http.get("/v1/admin/locks?prefix=" + prefix + "&limit=1"),
        ListLocksResponse.getDefaultInstance());
    assertThat(first.getLocksList()).extracting(LockInfo::getName).containsExactly(prefix + "a");
    assertThat(first.getLocks(0).getClientHost()).isEqualTo("pager-1.example");
    assertThat(first.getLocks(0).getClockOffsetUs()).isEqualTo(-2500);
    ListLocksResponse second = ok(http.get("/v1/admin/locks?prefix=" + prefix + "&limit=1&page_token="
        + first.getNextPageToken()), ListLocksResponse.getDefaultInstance());
    assertThat(second.getLocksList()).extracting(LockInfo::getName).containsExactly(prefix + "b");
    assertThat(ok(http.get("/v1/admin/locks?prefix=" + prefix + "&page_token=" + prefix + "b"),
        ListLocksResponse.getDefaultInstance())).isEqualTo(ListLocksResponse.getDefaultInstance());
    assertThat(ok(http.get("/v1/admin/sessions"), ListSessionsResponse.getDefaultInstance()).getSessionsList())
        .filteredOn(info -> info.getSessionId().equals(session)).singleElement().satisfies(info -> {
          assertThat(info.getClientHost()).isEqualTo("pager-1.example");
          assertThat(info.getClockOffsetUs()).isEqualTo(-2500);
        });
  }

  @Test
  void tryAcquire_holdersSessionExpired_answersLockDelayedUntilTheDelayEnds() {
    String name = "delayed/" + UUID.randomUUID();
    String holder = openSession(1_000);
    String waiter = openSession(30_000);
    String tryBody = "{\"sessionId\":\"" + waiter + "\",\"name\":\"" + name + "\"}";
    assertThat(ok(http.post("/v1/locks/acquire", "{\"sessionId\":\"" + holder + "\",\"name\":\"" + name + "\"}"),
        AcquireResponse.getDefaultInstance()).getAcquired()).isTrue();

    // The holder sends no keep-alive, so its session expires after its TTL; the lock-delay (20 s) follows.
    AcquireResponse delayed = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .until(() -> ok(http.post("/v1/locks/try-acquire", tryBody), AcquireResponse.getDefaultInstance()),
            AcquireResponse::getLockDelayed);

    assertThat(delayed.getAcquired()).isFalse();
    assertThat(delayed.getHolderRemainingMs()).isBetween(1L, LOCK_DELAY.toMillis());
  }

  @Test
  void tryAcquire_lockHeldByALiveSession_isBusyAndNotDelayed() {
    String name = "busy/" + UUID.randomUUID();
    String holder = openSession(30_000);
    ok(http.post("/v1/locks/acquire", "{\"sessionId\":\"" + holder + "\",\"name\":\"" + name + "\"}"),
        AcquireResponse.getDefaultInstance());

    AcquireResponse busy = ok(http.post("/v1/locks/try-acquire", "{\"sessionId\":\"" + openSession(30_000)
        + "\",\"name\":\"" + name + "\"}"), AcquireResponse.getDefaultInstance());

    assertThat(busy.getAcquired()).isFalse();
    assertThat(busy.getLockDelayed()).isFalse();
  }

  @Test
  void busyTryAcquireAndLastRelease_overJson_carryTheirFalseAndZeroFields() {
    String name = "fields/" + UUID.randomUUID();
    String holder = openSession(30_000);
    AcquireResponse granted = ok(http.post("/v1/locks/acquire", "{\"sessionId\":\"" + holder + "\",\"name\":\""
        + name + "\"}"), AcquireResponse.getDefaultInstance());

    HttpResponse<String> busy = http.post("/v1/locks/try-acquire", "{\"sessionId\":\"" + openSession(30_000)
        + "\",\"name\":\"" + name + "\"}");
    assertThat(busy.statusCode()).as(busy.body()).isEqualTo(200);
    assertThat(busy.body()).contains("\"acquired\":false", "\"fencingToken\":\"0\"", "\"holdCount\":0",
        "\"lockDelayed\":false");

    HttpResponse<String> released = http.post("/v1/locks/release", "{\"sessionId\":\"" + holder + "\",\"name\":\""
        + name + "\",\"fencingToken\":\"" + granted.getFencingToken() + "\"}");
    assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
    assertThat(released.body().replace(" ", "").replace("\n", "")).isEqualTo("{\"remainingHolds\":0}");
  }

  @Test
  void acquire_waitRunsOutWhileHeld_is409ConflictWithWaitTimeout() {
    String name = "timeout/" + UUID.randomUUID();
    ok(http.post("/v1/locks/acquire", "{\"sessionId\":\"" + openSession(30_000) + "\",\"name\":\"" + name + "\"}"),
        AcquireResponse.getDefaultInstance());

    HttpResponse<String> response = http.post("/v1/locks/acquire", "{\"sessionId\":\"" + openSession(30_000)
        + "\",\"name\":\"" + name + "\",\"waitTimeoutMs\":\"200\"}");

    assertThat(response.statusCode()).as("not 504, which says a gateway timed out: " + response.body())
        .isEqualTo(409);
    assertThat(response.body()).contains("\"grpc-code\":\"DEADLINE_EXCEEDED\"", "\"reason\":\"WAIT_TIMEOUT\"",
        "\"error_code\":\"WAIT_TIMEOUT\"");
  }

  @Test
  void forceRelease_withClientToken_is403Forbidden() {
    HttpResponse<String> response = http.post("/v1/admin/force-release", "{\"name\":\"anything\"}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.body()).contains("\"grpc-code\":\"PERMISSION_DENIED\"", "\"reason\":\"FORBIDDEN\"",
        "\"error_code\":\"PERMISSION_DENIED\"");
    assertThat(new TestStubs(server, ADMIN).post("/v1/admin/force-release", "{\"name\":\"anything\"}")
        .statusCode()).as("the same call with an admin token").isEqualTo(200);
  }

  private static String openSession(long ttlMs) {
    return ok(http.post("/v1/sessions/open", "{\"clientName\":\"http-test\",\"ttlMs\":\"" + ttlMs + "\"}"),
        Session.getDefaultInstance()).getSessionId();
  }

  @SuppressWarnings("unchecked")
  private static <M extends Message> M ok(HttpResponse<String> response, M type) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Message.Builder into = type.newBuilderForType();
    try {
      JsonFormat.parser().merge(response.body(), into);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not the documented JSON: " + response.body(), e);
    }
    return (M) into.build();
  }
}
