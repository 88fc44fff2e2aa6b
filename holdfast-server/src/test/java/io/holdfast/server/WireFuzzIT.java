package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.testkit.redis.RedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire fuzz test: {@link WireFuzz} cases over HTTP/JSON and gRPC against one server on a real Redis, with a
 * client token, an admin token, no token and a wrong one. Every answer must be a client-mistake answer, never a
 * server failure: no HTTP 5xx, no gRPC UNKNOWN, INTERNAL or DATA_LOSS, the JSON error shape on every HTTP error, and
 * no stack trace or implementation class name anywhere. Afterwards the service is healthy and still grants and
 * releases, and once every session the cases opened has run out (the server is configured with short TTLs, waits
 * and retention), Redis holds no key of a session, lock or waiter: only the fence counter and the listing indexes.
 *
 * <p>A short run is part of {@code ./mvnw verify}. The long run, and a replay of one seed:
 * {@code ./mvnw -pl holdfast-server -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=WireFuzzIT -Dholdfast.fuzz.cases=100000 [-Dholdfast.fuzz.seed=N]} (docs/safety.md has the figures).
 */
class WireFuzzIT {
  private static final Logger log = LoggerFactory.getLogger(WireFuzzIT.class);
  private static final String CLIENT = "fuzz-client-token-0001";
  private static final String ADMIN = "fuzz-admin-token-00001";
  private static final Pattern LEAK = Pattern.compile(".*(Exception|Error:|java\\.|javax\\.|com\\.google\\."
      + "|com\\.linecorp|io\\.netty|io\\.grpc\\.|io\\.lettuce|\\tat |\\bat [a-z]+\\.[a-z]).*", Pattern.DOTALL);
  private static final Set<String> LONG_LIVED = Set.of("holdfast:fence", "holdfast:{sessions}:index",
      "holdfast:{sessions}:expiry", "holdfast:{locks}:index", "holdfast:{locks}:gen");

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;
  private static WebClient h2c;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .token(TokenGrant.parse(CLIENT + ":acme:client")).token(TokenGrant.parse(ADMIN + ":acme:admin"))
        .sessionTtl(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2))
        .lockDelay(Duration.ofMillis(200)).maxWait(Duration.ofMillis(200)).sessionRetention(Duration.ofSeconds(1))
        .shutdownGrace(Duration.ofSeconds(1)).build());
    h2c = WebClient.builder("h2c://127.0.0.1:" + server.port()).responseTimeout(Duration.ofSeconds(30)).build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void fuzz_httpAndGrpc_noServerFailureNoLeakHealthyAndNoKeysLeft() {
    int cases = Integer.getInteger("holdfast.fuzz.cases", 3_000);
    long seed = Long.getLong("holdfast.fuzz.seed", System.nanoTime());
    TestStubs client = new TestStubs(server, CLIENT);
    List<String> sessions = List.of(client.openSession(2_000), new TestStubs(server, ADMIN).openSession(2_000),
        "AAAAAAAAAAAAAAAAAAAAAA");
    WireFuzz fuzz = new WireFuzz(seed, sessions);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < cases && failures.size() < 20; i++) {
      String token = switch (i % 4) {
        case 0, 1 -> CLIENT;
        case 2 -> ADMIN;
        default -> i % 8 == 3 ? null : "wrong-token-000000000";
      };
      String failure = i % 2 == 0 ? http(fuzz.http(), token) : grpc(fuzz.grpc(), token);
      if (failure != null) {
        failures.add("case " + i + " (seed " + seed + "): " + failure);
      }
    }
    log.info("wire fuzz: {} cases (seed {}), {} failures", cases, seed, failures.size());
    assertThat(failures).as("seed " + seed).isEmpty();

    assertThat(client.get("/health").statusCode()).isEqualTo(200);
    String session = client.openSession(1_000);
    String name = "fuzz/after-" + UUID.randomUUID();
    long token = client.locks.acquire(AcquireRequest.newBuilder().setSessionId(session).setName(name).build())
        .getFencingToken();
    client.locks.release(ReleaseRequest.newBuilder().setSessionId(session).setName(name).setFencingToken(token)
        .build());
    assertNoKeysLeft();
  }

  /** Null when the answer is a proper one; else what is wrong with it. */
  private static String http(WireFuzz.Http request, String token) {
    RawHttp.Response response = RawHttp.send(server.port(), RawHttp.request(request.method(), request.path(), token,
        request.body()));
    String body = response.body();
    int status = response.status();
    String what = request.method() + " " + abbreviate(request.path()) + " -> " + status + " " + abbreviate(body);
    if (status == 0 || status >= 500) {
      return "server failure or no answer: " + what;
    }
    if (LEAK.matcher(body).matches()) {
      return "implementation detail in the answer: " + what;
    }
    if (status >= 400 && !(response.headers().contains("content-type: application/json")
        && body.contains("\"grpc-code\":\"") && body.contains("\"message\":\""))) {
      return "error not in the JSON error shape: " + what;
    }
    return null;
  }

  private static String grpc(WireFuzz.Grpc call, String token) {
    RequestHeadersBuilder headers = RequestHeaders.builder(HttpMethod.POST, call.path())
        .contentType(MediaType.parse("application/grpc")).add("te", "trailers");
    if (token != null) {
      headers.add("authorization", "Bearer " + token);
    }
    AggregatedHttpResponse response = h2c.execute(headers.build(), call.frame()).aggregate().join();
    String code = grpcHeader(response, "grpc-status");
    String message = grpcHeader(response, "grpc-message");
    message = message == null ? "" : message;
    String what = call.path() + " -> HTTP " + response.status().code() + ", grpc-status " + code + " " + message;
    if (code == null) {
      return "no gRPC status: " + what;
    }
    if (Set.of("2", "13", "15").contains(code)) {
      return "server failure status: " + what;
    }
    if (LEAK.matcher(java.net.URLDecoder.decode(message.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8))
        .matches()) {
      return "implementation detail in the answer: " + what;
    }
    return null;
  }

  /** From the trailers, or from the headers of a trailers-only answer. */
  private static String grpcHeader(AggregatedHttpResponse response, String name) {
    String value = response.trailers().get(name);
    return value != null ? value : response.headers().get(name);
  }

  /** Once every session the cases opened has run out, no key of a session, lock or waiter is left. */
  private static void assertNoKeysLeft() {
    RedisClient redisClient = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> connection = redisClient.connect()) {
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(connection.sync().keys("*")).as("keys left in Redis").allMatch(LONG_LIVED::contains));
    } finally {
      redisClient.shutdown();
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
