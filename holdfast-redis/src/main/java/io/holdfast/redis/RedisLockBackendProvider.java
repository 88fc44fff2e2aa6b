package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.LockBackendProvider;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Provides the Redis backend for every {@link RedisTopology}, chosen by the URI scheme ({@code rediss} for TLS):
 * <ul>
 *   <li>{@code redis://[[user]:password@]host[:port][/database]} — one server;</li>
 *   <li>{@code redis-sentinel://[password@]host:port[,host:port...]?sentinelMasterId=NAME} — the master a
 *       Sentinel group names, followed across failovers;</li>
 *   <li>{@code redis-cluster://host:port[,host:port...]} — Redis Cluster, locks spread over hash slots;</li>
 *   <li>{@code redis-quorum://host:port,host:port,host:port[,...]} — independent masters, Redlock majority.</li>
 * </ul>
 * Query parameters {@code waitReplicas=N} and {@code waitTimeout=100ms} (one server, Sentinel) make each grant
 * and renewal wait for N replica acknowledgements; {@code shardedPubSub=false} (Cluster) forces the plain
 * PUBLISH fallback. What each topology promises is in docs/guarantees.md. Found through
 * {@link java.util.ServiceLoader}; applications call {@link io.holdfast.Holdfast#connect(HoldfastOptions)}.
 *
 * <p>A backend keeps one command connection and one pub/sub connection per logical master (per independent
 * master in quorum mode), whatever the number of locks. Keys are {@code <prefix>:{<name>}} (one small hash per
 * held lock, with a Redis-timed expiry) plus the fencing counter {@code <prefix>:fence} (on Cluster one per
 * hash slot, {@code <prefix>:{<tag>}:fence}); release messages go to {@code <prefix>:{<name>}:released}. The
 * prefix is {@link HoldfastOptions#keyPrefix()}.
 */
public final class RedisLockBackendProvider implements LockBackendProvider {
  private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel",
      "redis-cluster", "rediss-cluster", "redis-quorum", "rediss-quorum");

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public RedisLockBackendProvider() { }

  /**
   * Whether the URI's scheme names a Redis topology: {@code redis}, {@code redis-sentinel},
   * {@code redis-cluster} or {@code redis-quorum}, each also with {@code rediss}.
   *
   * @param backend the backend URI
   * @return true for Redis URIs
   */
  @Override
  public boolean supports(URI backend) {
    String scheme = backend.getScheme();
    if (scheme == null) {
      return false;
    }
    return SCHEMES.contains(scheme.toLowerCase(Locale.ROOT));
  }

  /**
   * Connects to Redis, checks it answers and loads the lock scripts. Commands time out after
   * {@link HoldfastOptions#operationTimeout()}; the connection is named {@link HoldfastOptions#clientName()}
   * (spaces replaced by {@code _}) in {@code CLIENT LIST}.
   *
   * @param options the client options
   * @return a connected backend; close it to release its connections and threads
   * @throws io.holdfast.InvalidArgumentException when the URI is malformed
   * @throws io.holdfast.BackendUnavailableException when Redis cannot be reached (for independent masters: fewer
   *     than a majority; the others are connected when they come back); the message names the URI (without
   *     password) and the cause
   */
  @Override
  public LockBackend open(HoldfastOptions options) {
    TopologySpec spec = TopologyUris.parse(options.backend(), options.operationTimeout());
    return spec.kind() == RedisTopology.QUORUM ? QuorumLockBackend.open(spec, options)
        : RedisLockBackend.open(spec, options);
  }
}
