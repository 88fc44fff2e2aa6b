package io.holdfast.redis;

import io.holdfast.InvalidArgumentException;
import java.net.URI;
import java.util.Locale;

/**
 * The Redis deployments Holdfast runs on, named by the scheme of the backend URI ({@code rediss...} for TLS).
 * What each promises is in docs/guarantees.md.
 */
public enum RedisTopology {
  /** One server: {@code redis://host:port}. */
  STANDALONE,
  /** A master found through Redis Sentinel and followed across failovers: {@code redis-sentinel://}. */
  SENTINEL,
  /** Redis Cluster, locks spread over hash slots: {@code redis-cluster://}. */
  CLUSTER,
  /** Independent masters with the Redlock majority scheme: {@code redis-quorum://}. */
  QUORUM;

  /**
   * The topology a backend URI names.
   *
   * @param backend e.g. {@code redis-cluster://10.0.0.1:7000,10.0.0.2:7000}
   * @return the topology
   * @throws InvalidArgumentException when the scheme is not one of {@code redis}, {@code redis-sentinel},
   *     {@code redis-cluster}, {@code redis-quorum} (each also with {@code rediss})
   */
  public static RedisTopology of(URI backend) {
    String scheme = backend.getScheme() == null ? "" : backend.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "redis", "rediss" -> STANDALONE;
      case "redis-sentinel", "rediss-sentinel" -> SENTINEL;
      case "redis-cluster", "rediss-cluster" -> CLUSTER;
      case "redis-quorum", "rediss-quorum" -> QUORUM;
      default -> throw new InvalidArgumentException("Redis backend URI must start with redis://, rediss://, "
          + "redis-sentinel://, redis-cluster:// or redis-quorum://, was '" + TopologyUris.redact(backend) + "'");
    };
  }
}
