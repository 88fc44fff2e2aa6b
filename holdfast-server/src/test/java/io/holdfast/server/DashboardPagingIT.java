package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.client.ServiceAdmin;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 10,000 locks held through the service: the dashboard's data endpoint answers a bounded first page, and following
 * its cursor visits every lock exactly once; the admin listing (ServiceAdmin.listLocks) walks the same pages.
 */
@Timeout(180)
class DashboardPagingIT {
  static final int LOCKS = 10_000;
  static final int PAGE = 200;

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @Test
  void dashboard_tenThousandLocks_pagesVisitEachOnce() throws Exception {
    ServerConfig config = ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .shutdownGrace(Duration.ofSeconds(1)).build();
    try (HoldfastServer server = HoldfastServer.start(config);
        Holdfast client = Holdfast.connect(HoldfastOptions.builder().backend("holdfast://127.0.0.1:"
            + server.port()).clientName("bulk-holder").build())) {
      Set<String> names = holdAll(client);
      List<Map<String, Object>> first = snapshot(server, "").locks();
      assertThat(first).hasSize(PAGE);

      List<String> visited = new ArrayList<>();
      String cursor = "";
      int pages = 0;
      do {
        Snapshot page = snapshot(server, cursor);
        assertThat(page.locks()).hasSizeLessThanOrEqualTo(PAGE);
        page.locks().forEach(lock -> visited.add((String) lock.get("name")));
        cursor = page.nextCursor();
        assertThat(++pages).isLessThanOrEqualTo(LOCKS / PAGE * 10);
      } while (!cursor.isEmpty());
      assertThat(visited).doesNotHaveDuplicates().hasSize(LOCKS);
      assertThat(new HashSet<>(visited)).isEqualTo(names);

      try (ServiceAdmin admin = ServiceAdmin.connect("holdfast://127.0.0.1:" + server.port(), Duration.ofSeconds(30))) {
        assertThat(admin.listLocks("bulk/", "", 0).getLocksCount()).isEqualTo(Requests.MAX_LIST);
        assertThat(admin.listLocks("bulk/")).extracting(lock -> lock.getName()).doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(names);
      }
    }
  }

  /* Acquires LOCKS names with at most 256 calls in flight, as an application holding thousands would. */
  private static Set<String> holdAll(Holdfast client) throws InterruptedException {
    Semaphore slots = new Semaphore(256);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < LOCKS; i++) {
      String name = "bulk/" + String.format("%05d", i);
      names.add(name);
      slots.acquire();
      client.acquireAsync(AcquireRequest.of(name, Duration.ofMinutes(5))).whenComplete((lease, error) -> {
        if (error != null) {
          failure.compareAndSet(null, error);
        }
        slots.release();
      });
    }
    slots.acquire(256);
    assertThat(failure.get()).isNull();
    return names;
  }

  record Snapshot(List<Map<String, Object>> locks, String nextCursor) { }

  @SuppressWarnings("unchecked")
  private static Snapshot snapshot(HoldfastServer server, String cursor) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + server.port() + "/dashboard/api/snapshot?prefix=bulk/&limit=" + PAGE + "&cursor="
            + URLEncoder.encode(cursor, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, Object> body = new Gson().fromJson(response.body(), Map.class);
    return new Snapshot((List<Map<String, Object>>) body.get("locks"), (String) body.get("nextCursor"));
  }
}
