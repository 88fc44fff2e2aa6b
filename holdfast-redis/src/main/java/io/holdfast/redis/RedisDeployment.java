package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Connections to a standalone, Sentinel or Cluster deployment, set up exactly as the Holdfast Redis backend sets
 * up its own, for code that runs its own scripts on the same deployment (the lock service). It parses the same
 * URIs, follows Sentinel failovers and Cluster redirections the same way, and tells the caller what it must do
 * differently per topology:
 * <ul>
 *   <li>Cluster: every key of one script call must share a hash slot (use a {@code {hash tag}}); a counter that
 *       outlives the keys of one tag needs one key per slot, see {@link #slotTag(String)};</li>
 *   <li>Cluster on Redis 7+: publish with SPUBLISH and subscribe with SSUBSCRIBE
 *       ({@link #shardedPubSub()}); otherwise PUBLISH, which Redis Cluster forwards to every node;</li>
 *   <li>{@code waitReplicas}: follow each write that grants with {@code WAIT waitReplicas waitTimeout} on the
 *       same connection, and treat fewer acknowledgements as a failed write.</li>
 * </ul>
 * Independent masters ({@code redis-quorum://}) have no single connection: a lock there lives on a majority of
 * masters, so use the {@link io.holdfast.spi.LockBackend} from {@link RedisLockBackendProvider} instead.
 *
 * <p>Thread-safe: Lettuce connections may be used from any thread. Failures: commands time out after the
 * given timeout; while a standalone or Sentinel connection is down they fail at once, on Cluster they wait for
 * the node's connection up to the timeout. {@link #isTransient(Throwable)} says which failures to retry.
 */
public final class RedisDeployment implements AutoCloseable {
  private final RedisTopology topology;
  private final RedisConnections connections;
  private final ReplicaAck replicaAck;

  private RedisDeployment(RedisTopology topology, RedisConnections connections, ReplicaAck replicaAck) {
    this.topology = topology;
    this.connections = connections;
    this.replicaAck = replicaAck;
  }

  /**
   * Connects a command connection and a pub/sub connection to the deployment.
   *
   * @param backend a {@code redis://}, {@code redis-sentinel://} or {@code redis-cluster://} URI (the query
   *     parameters documented in docs/guarantees.md included)
   * @param commandTimeout how long one command may take
   * @param clientName the name shown in {@code CLIENT LIST}
   * @return the open deployment; close it to release connections and threads
   * @throws InvalidArgumentException when the URI is malformed or names independent masters
   * @throws io.holdfast.BackendUnavailableException when Redis cannot be reached now
   */
  public static RedisDeployment connect(URI backend, Duration commandTimeout, String clientName) {
    HoldfastOptions options = HoldfastOptions.builder().backend(backend.toString()).operationTimeout(commandTimeout)
        .clientName(clientName).build();
    TopologySpec spec = singleConnection(backend, commandTimeout);
    return new RedisDeployment(spec.kind(), RedisConnections.open(spec, options, List.of()), spec.replicaAck());
  }

  /**
   * Checks a URI as {@link #connect} does, without connecting, and names it as {@link #describe()} does, for
   * callers that connect later (and say where they are trying to meanwhile).
   *
   * @param backend a {@code redis://}, {@code redis-sentinel://} or {@code redis-cluster://} URI
   * @param commandTimeout how long one command may take
   * @return the URI without credentials, e.g. {@code redis://127.0.0.1:6379}
   * @throws InvalidArgumentException when the URI is malformed or names independent masters
   */
  public static String safeUri(URI backend, Duration commandTimeout) {
    return singleConnection(backend, commandTimeout).safeUri();
  }

  /**
   * The deadlock detection a URI asks for with {@code deadlockDetection=requester|youngest|off}
   * (docs/deadlock.md), for a caller with its own default (the lock service detects by default).
   *
   * @param backend the Redis URI
   * @param whenAbsent the rule when the URI does not say
   * @return the victim rule, or null for off
   * @throws InvalidArgumentException on another value, or on independent masters (no detection there)
   */
  public static io.holdfast.DeadlockVictim deadlockVictim(URI backend, io.holdfast.DeadlockVictim whenAbsent) {
    return TopologyUris.deadlockVictim(backend, whenAbsent);
  }

  private static TopologySpec singleConnection(URI backend, Duration commandTimeout) {
    TopologySpec spec = TopologyUris.parse(backend, commandTimeout);
    if (spec.kind() == RedisTopology.QUORUM) {
      throw new InvalidArgumentException("redis-quorum:// has no single connection; open a LockBackend with "
          + "RedisLockBackendProvider for " + spec.safeUri());
    }
    return spec;
  }

  /**
   * The canonical hash tag of the slot that {@code hashTag} hashes to: the same string for every tag of that
   * slot, stable across versions and clients. A key {@code prefix:{slotTag(t)}:counter} is one per slot and
   * shares a slot with every key tagged {@code {t}}, so a script may touch both (this is how Holdfast keeps its
   * fencing counters on Cluster).
   *
   * @param hashTag the text between the braces of a key
   * @return the decimal string that is the slot's tag
   */
  public static String slotTag(String hashTag) {
    return SlotTags.tagFor(io.lettuce.core.cluster.SlotHash.getSlot(
        hashTag.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /**
   * Whether a failure is worth retrying after a backoff: connection loss, timeouts, and the server's passing
   * conditions ({@code LOADING}, {@code BUSY}, {@code TRYAGAIN}, {@code CLUSTERDOWN}, {@code MASTERDOWN},
   * {@code READONLY}, {@code NOREPLICAS}).
   *
   * @param failure a failure, possibly wrapped in a {@link java.util.concurrent.CompletionException}
   * @return true when transient
   */
  public static boolean isTransient(Throwable failure) {
    return RedisErrors.isTransient(failure);
  }

  /**
   * The topology.
   *
   * @return standalone, Sentinel or Cluster
   */
  public RedisTopology topology() {
    return topology;
  }

  /**
   * Commands: on Cluster routed by the slot of the first key and following MOVED and ASK.
   *
   * @return the async command API
   */
  public RedisClusterAsyncCommands<String, String> commands() {
    return connections.commands;
  }

  /**
   * The pub/sub connection: resubscribes after a reconnect; on Cluster, SSUBSCRIBE goes to the channel's node.
   *
   * @return the connection
   */
  public StatefulRedisPubSubConnection<String, String> pubSub() {
    return connections.pubSub;
  }

  /**
   * Whether to use sharded pub/sub (SPUBLISH / SSUBSCRIBE): Cluster whose every node runs Redis 7+, unless the
   * URI says {@code shardedPubSub=false}. After a failover, sharded subscriptions must be renewed on the slot's
   * new node; {@link #onTopologyChange(Runnable)} says when.
   *
   * @return true for sharded pub/sub
   */
  public boolean shardedPubSub() {
    return connections.shardedPubSub;
  }

  /**
   * Runs {@code action} on a Lettuce thread whenever the Cluster topology changes (failover, migration); never
   * for standalone or Sentinel.
   *
   * @param action must not block
   */
  public void onTopologyChange(Runnable action) {
    connections.onTopologyChange(action);
  }

  /**
   * Replicas a granting write must be acknowledged by ({@code waitReplicas}), 0 for none.
   *
   * @return the count
   */
  public int waitReplicas() {
    return replicaAck.replicas();
  }

  /**
   * How long to WAIT for them ({@code waitTimeout}).
   *
   * @return the timeout; zero when {@link #waitReplicas()} is 0
   */
  public Duration waitTimeout() {
    return replicaAck.timeout();
  }

  /**
   * A description without credentials.
   *
   * @return e.g. {@code redis-cluster://a:7000,b:7000 (Redis 7.0.15)}
   */
  public String describe() {
    return connections.safeUri + " (Redis " + connections.serverVersion + ")";
  }

  /** Closes both connections and the client's threads; idempotent. Pending commands fail. */
  @Override
  public void close() {
    connections.close();
  }
}
