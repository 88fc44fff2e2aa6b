package io.holdfast.server;

import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import io.holdfast.api.v1.Reason;
import io.holdfast.redis.RedisDeployment;
import io.holdfast.redis.RedisTopology;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One logical Redis master of the service (a single server, the master a Sentinel group points to, or a
 * Redis Cluster) through the library's RedisDeployment, so the service connects, follows Sentinel failovers,
 * routes Cluster commands (MOVED/ASK) and classifies failures exactly as the library does. Why this is safe:
 * every script the service sends touches one hash slot (see common.lua), which is all Cluster routing needs;
 * every step is safe to repeat, so a transient failure is reported as UNAVAILABLE and the client retries.
 * Standalone and Sentinel connections reject commands while disconnected (fail fast); Cluster parks them on a
 * node's connection up to the Redis timeout. Fields are final; Lettuce objects are thread-safe.
 */
final class RedisLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

  private final RedisDeployment deployment;

  private RedisLink(RedisDeployment deployment) {
    this.deployment = deployment;
  }

  /** Connects; fails with UNAVAILABLE when Redis cannot be reached now, INVALID_ARGUMENT for a bad URI. */
  static RedisLink open(URI uri, Duration timeout, String clientName) {
    try {
      return new RedisLink(RedisDeployment.connect(uri, timeout, clientName));
    } catch (HoldfastException e) {
      if (e.code() == ErrorCode.INVALID_ARGUMENT) {
        throw ServiceException.badRequest(e.getMessage());
      }
      throw ServiceException.unavailable("cannot connect to Redis: " + e.getMessage(), e);
    }
  }

  RedisClusterAsyncCommands<String, String> async() {
    return deployment.commands();
  }

  boolean cluster() {
    return deployment.topology() == RedisTopology.CLUSTER;
  }

  /** True when releases must also be published sharded, for the library's Cluster 7+ waiters. */
  boolean shardedPubSub() {
    return deployment.shardedPubSub();
  }

  /**
   * Pattern-subscribes once; {@code onMessage} gets (channel, message) on a Lettuce thread. Lettuce re-issues
   * the PSUBSCRIBE after a reconnect (on Sentinel, to the new master); on Cluster it sits on one node and
   * hears every node's PUBLISH through the cluster bus. A message lost meanwhile is covered by the waiters'
   * re-check interval.
   */
  void psubscribe(String pattern, BiConsumer<String, String> onMessage) {
    deployment.pubSub().addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String matched, String channel, String message) {
        onMessage.accept(channel, message);
      }
    });
    deployment.pubSub().sync().psubscribe(pattern);
  }

  /**
   * With {@code waitReplicas}, waits until that many replicas have every write sent before on this
   * connection; completes normally without it. Fails UNAVAILABLE when fewer acknowledged.
   */
  CompletableFuture<Void> awaitReplicas(String what) {
    int replicas = deployment.waitReplicas();
    if (replicas == 0) {
      return CompletableFuture.completedFuture(null);
    }
    return deployment.commands().waitForReplication(replicas, deployment.waitTimeout().toMillis())
        .toCompletableFuture().handle((acked, failure) -> {
          if (failure != null) {
            throw failure(failure, what);
          }
          if (acked < replicas) {
            throw ServiceException.unavailable(what + ": only " + acked + " of " + replicas
                + " replicas acknowledged the write within " + deployment.waitTimeout().toMillis()
                + " ms; retry with the same request id", null);
          }
          return null;
        });
  }

  String describe() {
    return deployment.describe();
  }

  /** Maps any failure of a Redis future onto the service's failure. */
  ServiceException failure(Throwable failure, String what) {
    Throwable cause = Errors.unwrap(failure);
    if (cause instanceof ServiceException service) {
      return service;
    }
    if (!RedisDeployment.isTransient(cause)) {
      log.error("{} failed: Redis {} refused a command", what, deployment.describe(), cause);
      return new ServiceException(ErrorCode.INTERNAL, Reason.INTERNAL_ERROR,
          what + " failed: Redis refused the command: " + cause.getMessage(), cause);
    }
    return ServiceException.unavailable(what + " failed: Redis at " + deployment.describe() + " is unavailable ("
        + rootMessage(cause) + "); nothing was changed or the call is safe to repeat", cause);
  }

  @Override
  public void close() {
    deployment.close();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }
}
