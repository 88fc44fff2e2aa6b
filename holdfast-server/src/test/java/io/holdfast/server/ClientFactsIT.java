package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.Gson;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.api.v1.ListLocksRequest;
import io.holdfast.api.v1.ListSessionsRequest;
import io.holdfast.api.v1.LockInfo;
import io.holdfast.api.v1.SessionInfo;
import io.holdfast.testkit.redis.RedisExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A service client reports where it runs and how far its wall clock is from the service's store clock: the host at
 * OpenSession, the offset its clock detector measured from keep-alive replies in the next keep-alive. ListSessions,
 * ListLocks and the dashboard's data show both. The client's wall clock is set 10 s ahead, so the figure is the
 * client's own measurement, not a coincidence of one machine's clocks.
 */
@Timeout(120)
class ClientFactsIT {
  static final Duration AHEAD = Duration.ofSeconds(10);
  /** A keep-alive answered within the operation timeout bounds the offset's error by half of it. */
  static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(3);

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @Test
  void session_hostAndMeasuredClockOffset_inListingsAndDashboard() throws Exception {
    ServerConfig config = ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .shutdownGrace(Duration.ofSeconds(1)).build();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    String name = "facts/" + UUID.randomUUID();
    try (HoldfastServer server = HoldfastServer.start(config);
        Holdfast client = Holdfast.connect(HoldfastOptions.builder().backend("holdfast://127.0.0.1:"
            + server.port() + "?session-ttl=3s&client-host=worker-host-1").clientName("facts-worker")
            .wallClock(Clock.offset(Clock.systemUTC(), AHEAD)).operationTimeout(OPERATION_TIMEOUT)
            .meterRegistry(meters).build());
        Lease lease = client.acquire(name, Duration.ofSeconds(60))) {
      TestStubs admin = new TestStubs(server, null);
      SessionInfo session = await().atMost(Duration.ofSeconds(30)).until(() -> admin.admin.listSessions(
          ListSessionsRequest.getDefaultInstance()).getSessionsList().stream()
          .filter(s -> s.getClientName().equals("facts-worker") && s.hasClockOffsetUs()).findFirst(),
          found -> found.isPresent()).orElseThrow();
      assertThat(session.getClientHost()).isEqualTo("worker-host-1");
      assertThat(Duration.ofNanos(session.getClockOffsetUs() * 1000).minus(AHEAD).abs())
          .isLessThanOrEqualTo(OPERATION_TIMEOUT.dividedBy(2).plusMillis(1));
      assertThat(meters.get("holdfast.clock.offset").gauge().value())
          .isCloseTo(AHEAD.toMillis() / 1000.0, org.assertj.core.data.Offset.offset(1.6));
      await().atMost(Duration.ofSeconds(30)).until(() -> !Double.isNaN(meters.get("holdfast.clock.rate.drift")
          .gauge().value())); // a rate, from keep-alive readings at least 2 s apart

      LockInfo lock = admin.admin.listLocks(ListLocksRequest.newBuilder().setPrefix(name).build()).getLocks(0);
      assertThat(lock.getClientHost()).isEqualTo("worker-host-1");
      assertThat(lock.hasClockOffsetUs()).isTrue();

      Map<String, Object> snapshot = snapshot(server, name);
      assertThat((List<Map<String, Object>>) snapshot.get("locks")).singleElement()
          .satisfies(l -> assertThat(l.get("host")).isEqualTo("worker-host-1"));
      assertThat((List<Map<String, Object>>) snapshot.get("sessions"))
          .anySatisfy(s -> assertThat(s.get("host")).isEqualTo("worker-host-1"));
      assertThat((List<Map<String, Object>>) snapshot.get("clocks")).anySatisfy(c -> {
        assertThat((String) c.get("client")).contains("facts-worker", "worker-host-1");
        assertThat(((Number) c.get("offsetMs")).doubleValue()).isCloseTo(AHEAD.toMillis(),
            org.assertj.core.data.Offset.offset(1_600.0));
      });
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> snapshot(HoldfastServer server, String prefix) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + server.port() + "/dashboard/api/snapshot?prefix=" + prefix)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new Gson().fromJson(response.body(), Map.class);
  }
}
