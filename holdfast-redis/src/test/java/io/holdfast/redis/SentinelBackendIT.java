package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.AcquireRequest;
import io.holdfast.BackendUnavailableException;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.testkit.redis.RedisServer;
import io.holdfast.testkit.redis.SentinelTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sentinel specifics: master discovery, and waiting for replica acknowledgements (waitReplicas). */
@Timeout(120)
class SentinelBackendIT {
  private static SentinelTopology sentinel;

  @BeforeAll
  static void start() {
    sentinel = SentinelTopology.start();
  }

  @AfterAll
  static void stop() {
    sentinel.close();
  }

  private static Holdfast connect(String query) {
    return Holdfast.connect(HoldfastOptions.builder().backend(sentinel.uri() + query)
        .clientName("sentinel-it").operationTimeout(Duration.ofSeconds(1)).retryBudget(Duration.ofSeconds(2))
        .build());
  }

  @Test
  void waitReplicas_acknowledged_grantIsOnEveryReplicaWhenReported() {
    try (Holdfast client = connect("&waitReplicas=2&waitTimeout=500ms")) {
      Lease lease = client.acquire("sentinel/acked", Duration.ofSeconds(10));
      for (RedisServer replica : sentinel.replicas()) {
        assertThat(replica.command("HGET", "holdfast:{sentinel/acked}", "t"))
            .isEqualTo(Long.toString(lease.fencingToken().value()));
      }
      assertThat(client.describeBackend()).startsWith("redis-sentinel://").contains("sentinelMasterId=mymaster");
      lease.release();
    }
  }

  @Test
  void waitReplicas_moreThanAcknowledge_failsTheAcquireAndReleasesTheGrant() {
    try (Holdfast client = connect("&waitReplicas=3&waitTimeout=50ms")) {
      assertThatThrownBy(() -> client.tryAcquire(AcquireRequest.of("sentinel/unacked", Duration.ofSeconds(10))
          .withWait(Duration.ofMillis(300))))
          .isInstanceOf(BackendUnavailableException.class)
          .hasMessageContaining("replicas");
      assertThat(sentinel.master().command("EXISTS", "holdfast:{sentinel/unacked}")).isEqualTo(0L);
    }
  }

  @Test
  void callsPerOperation_withoutAndWithWaitReplicas() {
    List<RedisServer> nodes = new ArrayList<>(sentinel.dataNodes());
    try (Holdfast plain = connect(""); Holdfast acked = connect("&waitReplicas=1&waitTimeout=500ms")) {
      assertThat(CallCounts.measure("Sentinel", plain, nodes))
          .isEqualTo(new CallCounts.PerOperation(1, 1, 1));
      assertThat(CallCounts.measure("Sentinel with waitReplicas=1", acked, nodes))
          .isEqualTo(new CallCounts.PerOperation(2, 2, 1));
    }
  }
}
