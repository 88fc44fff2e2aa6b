package io.holdfast.redis;

import io.lettuce.core.RedisURI;
import java.util.List;
import java.util.Objects;

/**
 * A backend URI, parsed: which Redis topology it names, the Lettuce URIs of its nodes (for Sentinel, one URI
 * that lists the sentinels), and the Holdfast options carried in its query. Built by {@link TopologyUris}.
 *
 * <p>Safe: immutable once built; the Lettuce URIs are never changed after parsing.
 *
 * @param kind the topology
 * @param nodes standalone and Sentinel: one URI; Cluster: the seed nodes; quorum: every master
 * @param safeUri the URI without credentials, for logs and messages
 * @param replicaAck replicas each grant waits for (standalone and Sentinel only)
 * @param shardedPubSub Cluster only: whether sharded pub/sub may be used when every node supports it
 */
record TopologySpec(RedisTopology kind, List<RedisURI> nodes, String safeUri, ReplicaAck replicaAck,
    boolean shardedPubSub) {

  TopologySpec {
    Objects.requireNonNull(kind, "kind");
    nodes = List.copyOf(nodes);
    Objects.requireNonNull(safeUri, "safeUri");
    Objects.requireNonNull(replicaAck, "replicaAck");
  }
}
