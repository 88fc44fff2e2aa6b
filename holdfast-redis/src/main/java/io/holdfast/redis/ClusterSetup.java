package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects to a Redis Cluster: one cluster command connection (Lettuce keeps one connection per node under it,
 * routes each command by the slot of its first key and follows MOVED/ASK) and one cluster pub/sub connection.
 *
 * <p>Scripts are loaded on every node, replicas included, so that the first call after a failover does not pay
 * a NOSCRIPT round trip. Sharded pub/sub is chosen only when every node runs Redis 7 or later: a release
 * published with SPUBLISH on a 7.x master would never reach a subscriber that fell back to SUBSCRIBE, so a
 * mixed cluster (a rolling upgrade) uses plain PUBLISH, which Redis Cluster forwards to every node.
 *
 * <p>Safe: stateless; the connections it returns are owned by the caller.
 */
final class ClusterSetup {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSetup.class);

  private ClusterSetup() { }

  static RedisConnections open(TopologySpec spec, HoldfastOptions options, List<LuaScript> scripts) {
    String clientName = RedisConnections.clientName(options.clientName());
    spec.nodes().forEach(uri -> uri.setClientName(clientName));
    ClientResources resources = LettuceSetup.resources();
    RedisClusterClient client = RedisClusterClient.create(resources, spec.nodes());
    client.setOptions(LettuceSetup.clusterOptions(options.operationTimeout()));
    try {
      StatefulRedisClusterConnection<String, String> commands = client.connect(StringCodec.UTF8);
      TreeSet<String> versions = prepareNodes(resources, spec.nodes().get(0), commands.getPartitions(), scripts);
      boolean sharded = spec.shardedPubSub() && versions.stream().allMatch(LettuceSetup::hasShardedPubSub);
      StatefulRedisClusterPubSubConnection<String, String> pubSub = client.connectPubSub(StringCodec.UTF8);
      LOG.debug("Cluster {} runs Redis {}; release wake-ups use {}", spec.safeUri(), versions,
          sharded ? "sharded pub/sub" : "PUBLISH forwarded by the cluster bus");
      return new RedisConnections(client, resources, commands, commands.async(), pubSub, sharded,
          spec.safeUri(), String.join("/", versions));
    } catch (RuntimeException e) {
      RedisConnections.shutdown(client, resources, spec.safeUri());
      throw RedisConnections.openFailure(spec.safeUri(), e);
    }
  }

  /*
   * Through short-lived plain connections, not the cluster connection's own node connections: those are closed
   * twice on shutdown (by the cluster connection and by the client), and Lettuce warns about each.
   */
  private static TreeSet<String> prepareNodes(ClientResources resources, RedisURI seed, Partitions partitions,
      List<LuaScript> scripts) {
    TreeSet<String> versions = new TreeSet<>();
    RedisClient probe = RedisClient.create(resources);
    try {
      for (RedisClusterNode node : partitions) {
        RedisURI uri = RedisURI.builder(seed).withHost(node.getUri().getHost()).withPort(node.getUri().getPort())
            .build();
        try (StatefulRedisConnection<String, String> connection = probe.connect(StringCodec.UTF8, uri)) {
          versions.add(RedisConnections.serverVersion(connection.sync().info("server")));
          LettuceSetup.loadScripts(connection.sync(), scripts, uri.getHost() + ":" + uri.getPort());
        }
      }
    } finally {
      probe.shutdown(Duration.ZERO, RedisConnections.SHUTDOWN_TIMEOUT);
    }
    return versions;
  }
}
