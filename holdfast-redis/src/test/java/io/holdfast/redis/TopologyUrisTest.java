package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.InvalidArgumentException;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of every backend URI scheme and of Holdfast's own query parameters; no server needed. */
class TopologyUrisTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private static TopologySpec parse(String uri) {
    return TopologyUris.parse(URI.create(uri), TIMEOUT);
  }

  @Test
  void standalone_withWaitReplicas_keepsLettuceQueryAndParsesAck() {
    TopologySpec spec = parse("redis://:pw@10.0.0.1:6380/2?waitReplicas=2&waitTimeout=150ms&clientName=x");
    assertThat(spec.kind()).isEqualTo(RedisTopology.STANDALONE);
    assertThat(spec.replicaAck()).isEqualTo(new ReplicaAck(2, Duration.ofMillis(150)));
    RedisURI node = spec.nodes().get(0);
    assertThat(node.getPort()).isEqualTo(6380);
    assertThat(node.getDatabase()).isEqualTo(2);
    assertThat(spec.safeUri()).isEqualTo("redis://10.0.0.1:6380/2");
  }

  @Test
  void sentinel_listsSentinelsAndMasterIdWithoutPassword() {
    TopologySpec spec = parse("redis-sentinel://secret@s1:26379,s2:26380?sentinelMasterId=orders&waitReplicas=1");
    assertThat(spec.kind()).isEqualTo(RedisTopology.SENTINEL);
    RedisURI uri = spec.nodes().get(0);
    assertThat(uri.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380);
    assertThat(uri.getSentinelMasterId()).isEqualTo("orders");
    assertThat(spec.replicaAck()).isEqualTo(new ReplicaAck(1, Duration.ofSeconds(1)));
    assertThat(spec.safeUri()).isEqualTo("redis-sentinel://s1:26379,s2:26380?sentinelMasterId=orders")
        .doesNotContain("secret");
  }

  @Test
  void sentinel_withoutMasterId_isRejected() {
    assertThatThrownBy(() -> parse("redis-sentinel://s1:26379,s2:26379"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("sentinelMasterId");
  }

  @Test
  void cluster_seedsKeepCredentialsAndShardedPubSubDefaultsOn() {
    TopologySpec spec = parse("rediss-cluster://user:pw@a:7000,b:7001,c");
    assertThat(spec.kind()).isEqualTo(RedisTopology.CLUSTER);
    assertThat(spec.nodes()).extracting(RedisURI::getHost).containsExactly("a", "b", "c");
    assertThat(spec.nodes()).extracting(RedisURI::getPort).containsExactly(7000, 7001, 6379);
    assertThat(spec.nodes()).allSatisfy(n -> assertThat(n.isSsl()).isTrue());
    assertThat(spec.nodes().get(1).getCredentialsProvider().resolveCredentials().block().getUsername())
        .isEqualTo("user");
    assertThat(spec.shardedPubSub()).isTrue();
    assertThat(spec.safeUri()).isEqualTo("rediss-cluster://a:7000,b:7001,c");
    assertThat(parse("redis-cluster://a:7000?shardedPubSub=false").shardedPubSub()).isFalse();
  }

  @Test
  void quorum_needsThreeMasters() {
    assertThat(parse("redis-quorum://a:1,b:2,c:3").nodes()).hasSize(3);
    assertThatThrownBy(() -> parse("redis-quorum://a:1,b:2"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("at least 3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis-cluster://a:1?waitReplicas=1", "redis-quorum://a:1,b:2,c:3?waitReplicas=1",
      "redis://a:1?shardedPubSub=false", "redis://a:1?waitTimeout=5ms", "redis://a:1?waitReplicas=x",
      "redis://a:1?waitReplicas=1&waitTimeout=0ms", "redis://a:1?waitReplicas=1&waitTimeout=soon",
      "redis-galaxy://a:1", "redis-cluster://pw@a:notaport"})
  void badCombinations_areRejectedWithoutPassword(String uri) {
    String withPassword = uri.replace("//", "//hunter2@").replace("//hunter2@pw@", "//hunter2@");
    assertThatThrownBy(() -> parse(withPassword))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void duration_acceptsMillisSecondsAndIso() {
    assertThat(TopologyUris.duration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(TopologyUris.duration("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(TopologyUris.duration("40")).isEqualTo(Duration.ofMillis(40));
    assertThat(TopologyUris.duration("PT0.5S")).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void deadlockDetection_values_parseAndLeaveTheLettuceUri() {
    URI youngest = URI.create("redis://10.0.0.1:6380?deadlockDetection=youngest&clientName=x");
    assertThat(TopologyUris.deadlockVictim(youngest, null)).isEqualTo(io.holdfast.DeadlockVictim.YOUNGEST);
    assertThat(TopologyUris.deadlockVictim(URI.create("redis://h:1?deadlockDetection=requester"), null))
        .isEqualTo(io.holdfast.DeadlockVictim.REQUESTER);
    assertThat(TopologyUris.deadlockVictim(URI.create("redis://h:1?deadlockDetection=off"),
        io.holdfast.DeadlockVictim.REQUESTER)).isNull();
    assertThat(TopologyUris.deadlockVictim(URI.create("redis://h:1"), io.holdfast.DeadlockVictim.REQUESTER))
        .isEqualTo(io.holdfast.DeadlockVictim.REQUESTER);
    assertThat(TopologyUris.deadlockVictim(URI.create("redis://h:1"), null)).isNull();
    assertThat(parse(youngest.toString()).nodes().get(0).getClientName()).isEqualTo("x");
  }

  @Test
  void deadlockDetection_badValueOrQuorum_isRejected() {
    assertThatThrownBy(() -> parse("redis://h:1?deadlockDetection=maybe")).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("requester, youngest or off");
    assertThatThrownBy(() -> parse("redis-quorum://a:1,b:1,c:1?deadlockDetection=requester"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not 'redis-quorum://");
  }
}
