package io.holdfast.fence;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.FencingToken;
import io.holdfast.Holdfast;
import io.holdfast.testkit.redis.ClusterTopology;
import io.holdfast.testkit.redis.RedisServer;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RedisFence on a real Redis Cluster, which is also the lock backend: the script touches the resource key and its
 * fence key in one call, which Redis allows only when both are in one slot, and for keys landing on every master.
 */
class ClusterFenceIT {
  private static ClusterTopology cluster;
  private static RedisClusterClient client;
  private static StatefulRedisClusterConnection<String, String> connection;
  private static Holdfast locks;

  @BeforeAll
  static void start() {
    cluster = ClusterTopology.start(3, 0, Duration.ofSeconds(2));
    List<RedisURI> seeds = cluster.nodes().stream()
        .map(node -> RedisURI.create("redis://" + node.host() + ":" + node.port())).collect(Collectors.toList());
    client = RedisClusterClient.create(seeds);
    connection = client.connect();
    locks = Holdfast.connect(cluster.uri());
  }

  @AfterAll
  static void stop() {
    locks.close();
    connection.close();
    client.shutdown();
    cluster.close();
  }

  @Test
  void set_pausedHolderOnCluster_refusedWithNewerToken() {
    try (PausedHolder run = PausedHolder.replay(locks, "orders/cluster")) {
      RedisFence fence = RedisFence.on(connection.async());
      FencingToken newer = run.newer().fencingToken();
      fence.set(newer, "orders:42", "B");

      assertThat(fence.set(run.stale(), "orders:42", "A")).isEqualTo(new FenceVerdict(false, newer, ""));
      assertThat(connection.sync().get("orders:42")).isEqualTo("B");
    }
  }

  @Test
  void setHsetXadd_keysOnEveryMaster_appliedWithoutCrossSlotErrors() {
    RedisFence fence = RedisFence.on(connection.async());
    Map<RedisServer, String> keyPerMaster = new HashMap<>();
    for (int i = 0; keyPerMaster.size() < cluster.masters().size(); i++) {
      String key = "resource-" + i;
      keyPerMaster.putIfAbsent(cluster.masterOf(SlotHash.getSlot(key)), key);
    }
    FencingToken token = new FencingToken(7);
    for (String key : keyPerMaster.values()) {
      assertThat(fence.set(token, key, "v").applied()).isTrue();
      assertThat(fence.hset(token, "{" + key + "}:hash", Map.of("f", "v")).applied()).isTrue();
      assertThat(fence.xadd(token, "{" + key + "}:stream", Map.of("f", "v")).applied()).isTrue();
      assertThat(fence.set(new FencingToken(6), key, "stale").applied()).isFalse();
    }
  }
}
