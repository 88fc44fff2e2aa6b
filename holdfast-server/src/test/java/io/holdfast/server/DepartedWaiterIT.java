package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.StatusRuntimeException;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.InspectRequest;
import io.holdfast.api.v1.ListWaitersRequest;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.api.v1.Waiter;
import io.holdfast.testkit.redis.RedisExtension;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A waiting acquire whose caller has gone (HTTP/1 connection closed, HTTP/2 stream reset, gRPC deadline) ends
 * its wait and leaves the waiter list, and the lock is never granted to the departed session: when the holder
 * releases, a live waiter gets it. The departed caller waits far longer than any bound below, so a wait that
 * survived its caller would still be listed and would win the release.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DepartedWaiterIT {
  private static final long LONG_WAIT_MS = 60_000;
  private static final long SESSION_TTL_MS = 300_000;
  private static final Duration EVENTUALLY = Duration.ofSeconds(30);

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;
  private static TestStubs client;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .maxWait(Duration.ofMillis(LONG_WAIT_MS)).shutdownGrace(Duration.ofSeconds(1)).build());
    client = new TestStubs(server, null);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void http1Acquire_clientTimesOutThenHolderReleases_departedSessionNotGranted() {
    assertDepartedNeverGranted((name, session) -> {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
              + "/v1/locks/acquire")).timeout(Duration.ofSeconds(1))
          .POST(HttpRequest.BodyPublishers.ofString(acquireJson(session, name))).build();
      assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(HttpTimeoutException.class);
    });
  }

  @Test
  void http1Acquire_connectionClosedMidWait_departedSessionNotGranted() {
    assertDepartedNeverGranted((name, session) -> waitOverRawHttp1(name, session).close());
  }

  @Test
  void http1Acquire_connectionClosedJustBeforeGrant_grantGivenBackToLiveWaiter() throws Exception {
    Scene scene = Scene.start();
    Socket socket = waitOverRawHttp1(scene.name(), scene.departed());
    CompletableFuture<AcquireResponse> liveWait = waitInBackground(scene.name(), scene.live());
    int before = server.openConnections();
    socket.close();
    // Once the server has seen the close, a grant to the departed wait cannot be delivered; release at once, so
    // that the grant (if the wait has not ended yet) races the server's notice of the cancellation.
    Awaitility.await("the server saw the connection close").atMost(EVENTUALLY)
        .until(() -> server.openConnections() < before);
    scene.releaseAndExpectLiveWaiterGranted(liveWait);
  }

  @Test
  void http2Acquire_streamResetByTimeout_departedSessionNotGranted() {
    assertDepartedNeverGranted((name, session) -> {
      WebClient h2c = WebClient.builder("h2c://127.0.0.1:" + server.port()).responseTimeout(Duration.ofSeconds(1))
          .build();
      RequestHeaders headers = RequestHeaders.builder(HttpMethod.POST, "/v1/locks/acquire")
          .contentType(MediaType.JSON_UTF_8).build();
      assertThatThrownBy(() -> h2c.execute(headers, acquireJson(session, name)).aggregate().join())
          .hasRootCauseInstanceOf(com.linecorp.armeria.client.ResponseTimeoutException.class);
    });
  }

  @Test
  void grpcAcquire_deadlineExceeded_departedSessionNotGranted() {
    assertDepartedNeverGranted((name, session) -> assertThatThrownBy(() -> client.locks
        .withDeadlineAfter(1, TimeUnit.SECONDS).acquire(AcquireRequest.newBuilder().setSessionId(session)
            .setName(name).setWaitTimeoutMs(LONG_WAIT_MS).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
            .as("%s, trailers %s", e.getStatus(), e.getTrailers()).isEqualTo(io.grpc.Status.Code.DEADLINE_EXCEEDED)));
  }

  /** How a test's caller starts waiting for {@code name} in {@code session} and then goes away. */
  private interface Departure {
    void waitAndLeave(String name, String session) throws Exception;
  }

  /** A lock held by one session, with a session whose caller will leave and a live one. */
  private record Scene(String name, String holder, String departed, String live, AcquireResponse held) {
    static Scene start() {
      String name = "departed/" + UUID.randomUUID();
      String holder = client.openSession(SESSION_TTL_MS);
      AcquireResponse held = client.locks.acquire(AcquireRequest.newBuilder().setSessionId(holder).setName(name)
          .build());
      return new Scene(name, holder, client.openSession(SESSION_TTL_MS), client.openSession(SESSION_TTL_MS), held);
    }

    /** Releases the holder's lock; the live waiter gets it, and the departed session does not keep it. */
    void releaseAndExpectLiveWaiterGranted(CompletableFuture<AcquireResponse> liveWait) {
      client.locks.release(ReleaseRequest.newBuilder().setSessionId(holder).setName(name)
          .setFencingToken(held.getFencingToken()).build());
      AcquireResponse granted = liveWait.orTimeout(EVENTUALLY.toSeconds(), TimeUnit.SECONDS).join();
      assertThat(granted.getAcquired()).isTrue();
      assertThat(client.locks.inspect(InspectRequest.newBuilder().setName(name).build()).getSessionId())
          .as("the lock went to the live waiter, not to the departed session").isEqualTo(live);
    }
  }

  private static void assertDepartedNeverGranted(Departure departure) {
    Scene scene = Scene.start();
    try {
      departure.waitAndLeave(scene.name(), scene.departed());
    } catch (Exception e) {
      throw new AssertionError("the departing caller failed", e);
    }
    Awaitility.await("the departed caller's wait ends and leaves the waiter list").atMost(EVENTUALLY)
        .until(() -> !isWaiting(scene.name(), scene.departed()));
    scene.releaseAndExpectLiveWaiterGranted(waitInBackground(scene.name(), scene.live()));
  }

  private static CompletableFuture<AcquireResponse> waitInBackground(String name, String session) {
    CompletableFuture<AcquireResponse> wait = CompletableFuture.supplyAsync(() -> client.locks.acquire(
        AcquireRequest.newBuilder().setSessionId(session).setName(name).setWaitTimeoutMs(LONG_WAIT_MS).build()));
    awaitWaiting(name, session);
    return wait;
  }

  /** An acquire over a plain HTTP/1.1 socket, returned once its wait is listed; close it to leave. */
  private static Socket waitOverRawHttp1(String name, String session) throws java.io.IOException {
    byte[] body = acquireJson(session, name).getBytes(StandardCharsets.UTF_8);
    Socket socket = new Socket("127.0.0.1", server.port());
    OutputStream out = socket.getOutputStream();
    out.write(("POST /v1/locks/acquire HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    awaitWaiting(name, session);
    return socket;
  }

  private static void awaitWaiting(String name, String session) {
    Awaitility.await("session " + session + " waits for " + name).atMost(EVENTUALLY)
        .until(() -> isWaiting(name, session));
  }

  private static boolean isWaiting(String name, String session) {
    return client.admin.listWaiters(ListWaitersRequest.newBuilder().setName(name).build()).getWaitersList()
        .stream().map(Waiter::getSessionId).anyMatch(session::equals);
  }

  private static String acquireJson(String session, String name) {
    return "{\"sessionId\":\"" + session + "\",\"name\":\"" + name + "\",\"waitTimeoutMs\":" + LONG_WAIT_MS + "}";
  }
}
