package io.holdfast.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The multi-process topologies form, report their roles, and fail over when a master dies. */
@Timeout(180)
class TopologiesIT {

  @Test
  void independentMasters_start_areSeparateWritableServers() {
    try (IndependentMasters masters = IndependentMasters.start(3)) {
      assertThat(masters.masters()).hasSize(3);
      assertThat(masters.uri()).startsWith("redis-quorum://127.0.0.1:").contains(",");
      masters.master(0).command("SET", "k", "0");
      assertThat(masters.master(1).command("GET", "k")).isNull();
      masters.master(2).kill();
      masters.heal();
      assertThat(masters.master(2).command("PING")).isEqualTo("PONG");
    }
  }

  @Test
  void cluster_start_coversAllSlotsWithOneReplicaPerMaster() {
    try (ClusterTopology cluster = ClusterTopology.start()) {
      assertThat(cluster.masters()).hasSize(3);
      RedisServer owner = cluster.masterOf(0);
      assertThat(owner.command("CLUSTER", "COUNTKEYSINSLOT", "0")).isEqualTo(0L);
      assertThat(cluster.uri()).startsWith("redis-cluster://").contains(",");
      long replicas = cluster.nodes().stream()
          .filter(n -> "slave".equals(n.info("replication").get("role"))).count();
      assertThat(replicas).isEqualTo(3);
    }
  }

  @Test
  @Tag("ha")
  void cluster_masterKilled_replicaTakesOverItsSlots() {
    try (ClusterTopology cluster = ClusterTopology.start()) {
      RedisServer old = cluster.masterOf(100);
      old.kill();
      RedisServer promoted = cluster.awaitFailover(old, 100, Duration.ofSeconds(30));
      assertThat(promoted).isNotSameAs(old);
      old.restart();
      cluster.awaitHealthy(Duration.ofSeconds(30));
      assertThat(old.info("replication").get("role")).isEqualTo("slave");
    }
  }

  @Test
  void sentinel_start_masterWithTwoReplicasWatchedByThree() {
    try (SentinelTopology sentinel = SentinelTopology.start()) {
      assertThat(sentinel.sentinels()).hasSize(3);
      assertThat(sentinel.replicas()).hasSize(2);
      assertThat(sentinel.master().info("replication").get("role")).isEqualTo("master");
      assertThat(sentinel.uri()).startsWith("redis-sentinel://").endsWith("?sentinelMasterId=mymaster");
    }
  }

  @Test
  @Tag("ha")
  void sentinel_masterKilled_sentinelsPromoteAReplica() {
    try (SentinelTopology sentinel = SentinelTopology.start()) {
      RedisServer old = sentinel.killMaster();
      RedisServer promoted = sentinel.awaitFailover(old, Duration.ofSeconds(30));
      assertThat(List.copyOf(sentinel.dataNodes())).contains(promoted);
      assertThat(promoted).isNotSameAs(old);
    }
  }
}
