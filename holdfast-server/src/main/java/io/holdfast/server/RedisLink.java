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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * node's connection up to the Redis timeout.
 *
 * Redis need not answer at start-up: the service must come up, say it is not ready and serve once Redis does.
 * Lettuce reconnects an established connection by itself but never makes the first one, so until then this
 * link tries again in the background (its own daemon thread, backing off up to MAX_RETRY) and every command
 * fails at once with UNAVAILABLE. A configuration error (bad URI, refused credentials) still stops the start.
 * Pattern subscriptions asked for before the connection exists are made as part of connecting, so none is
 * lost. Thread safety: the connection is published once through a volatile field and never replaced; the
 * subscriptions, the retry thread and the closed flag are guarded by this object's monitor, and a connection
 * made after close() is closed at once.
 */
final class RedisLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisLink.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(200);
  private static final Duration MAX_RETRY = Duration.ofSeconds(5);

  /** A pattern subscription and where its messages go. */
  private record Subscription(String pattern, BiConsumer<String, String> onMessage) { }

  private final URI uri;
  private final Duration timeout;
  private final String clientName;
  private final boolean cluster;
  private final String safeUri;
  private final List<Subscription> subscriptions = new ArrayList<>();
  private volatile RedisDeployment deployment;
  private volatile String lastFailure = "not connected yet";
  private ScheduledExecutorService retries;
  private boolean closed;

  private RedisLink(URI uri, Duration timeout, String clientName) {
    this.uri = uri;
    this.timeout = timeout;
    this.clientName = clientName;
    this.cluster = RedisTopology.of(uri) == RedisTopology.CLUSTER;
    this.safeUri = RedisDeployment.safeUri(uri, timeout);
  }

  /**
   * Connects, or starts retrying in the background when Redis does not answer now. Fails with INVALID_ARGUMENT
   * for a bad URI, and with the library's error when Redis refuses the set-up (credentials, for example).
   */
  static RedisLink open(URI uri, Duration timeout, String clientName) {
    RedisLink link;
    try {
      link = new RedisLink(uri, timeout, clientName);
    } catch (HoldfastException e) {
      throw ServiceException.badRequest(e.getMessage());
    }
    try {
      link.connect();
    } catch (HoldfastException e) {
      if (e.code() != ErrorCode.UNAVAILABLE) {
        link.close();
        throw e.code() == ErrorCode.INVALID_ARGUMENT ? ServiceException.badRequest(e.getMessage()) : e;
      }
      link.lastFailure = e.getMessage();
      log.warn("Redis at {} does not answer at start-up ({}); serving UNAVAILABLE and connecting in the"
          + " background", link.safeUri, e.getMessage());
      link.retryLater(FIRST_RETRY);
    }
    return link;
  }

  private void connect() {
    RedisDeployment connected = RedisDeployment.connect(uri, timeout, clientName);
    try {
      adopt(connected);
    } catch (RuntimeException e) {
      connected.close();
      throw e;
    }
  }

  private synchronized void adopt(RedisDeployment connected) {
    if (closed) {
      connected.close();
      return;
    }
    for (Subscription subscription : subscriptions) {
      subscribe(connected, subscription);
    }
    deployment = connected;
    if (retries != null) {
      retries.shutdown();
    }
  }

  private synchronized void retryLater(Duration delay) {
    if (closed) {
      return;
    }
    if (retries == null) {
      retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "holdfast-redis-connect " + safeUri);
        thread.setDaemon(true);
        return thread;
      });
    }
    retries.schedule(() -> retry(delay), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void retry(Duration delay) {
    try {
      connect();
      log.info("connected to Redis at {}", describe());
    } catch (RuntimeException e) {
      lastFailure = e.getMessage();
      boolean refused = !(e instanceof HoldfastException holdfast) || holdfast.code() != ErrorCode.UNAVAILABLE;
      if (refused) {
        log.warn("Redis at {} refuses the connection's set-up, retrying: {}", safeUri, e.getMessage());
      } else {
        log.debug("Redis at {} still does not answer: {}", safeUri, e.getMessage());
      }
      Duration doubled = delay.multipliedBy(2);
      retryLater(doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled);
    }
  }

  /** The connection, or UNAVAILABLE at once while there is none yet. */
  private RedisDeployment connected() {
    RedisDeployment current = deployment;
    if (current == null) {
      throw ServiceException.unavailable("Redis at " + safeUri + " is unavailable (not connected since start-up: "
          + lastFailure + "); nothing was changed and the call is safe to repeat", null);
    }
    return current;
  }

  RedisClusterAsyncCommands<String, String> async() {
    return connected().commands();
  }

  boolean cluster() {
    return cluster;
  }

  /** True when releases must also be published sharded, for the library's Cluster 7+ waiters. */
  boolean shardedPubSub() {
    return connected().shardedPubSub();
  }

  /**
   * Pattern-subscribes once; {@code onMessage} gets (channel, message) on a Lettuce thread. Before the first
   * connection it is recorded and made as part of connecting. Lettuce re-issues the PSUBSCRIBE after a
   * reconnect (on Sentinel, to the new master); on Cluster it sits on one node and hears every node's PUBLISH
   * through the cluster bus. A message lost meanwhile is covered by the waiters' re-check interval.
   */
  synchronized void psubscribe(String pattern, BiConsumer<String, String> onMessage) {
    Subscription subscription = new Subscription(pattern, onMessage);
    subscriptions.add(subscription);
    if (deployment != null) {
      subscribe(deployment, subscription);
    }
  }

  private static void subscribe(RedisDeployment connected, Subscription subscription) {
    connected.pubSub().addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String matched, String channel, String message) {
        subscription.onMessage().accept(channel, message);
      }
    });
    connected.pubSub().sync().psubscribe(subscription.pattern());
  }

  /**
   * With {@code waitReplicas}, waits until that many replicas have every write sent before on this
   * connection; completes normally without it. Fails UNAVAILABLE when fewer acknowledged.
   */
  CompletableFuture<Void> awaitReplicas(String what) {
    RedisDeployment current = connected();
    int replicas = current.waitReplicas();
    if (replicas == 0) {
      return CompletableFuture.completedFuture(null);
    }
    return current.commands().waitForReplication(replicas, current.waitTimeout().toMillis())
        .toCompletableFuture().handle((acked, failure) -> {
          if (failure != null) {
            throw failure(failure, what);
          }
          if (acked < replicas) {
            throw ServiceException.unavailable(what + ": only " + acked + " of " + replicas
                + " replicas acknowledged the write within " + current.waitTimeout().toMillis()
                + " ms; retry with the same request id", null);
          }
          return null;
        });
  }

  String describe() {
    RedisDeployment current = deployment;
    return current != null ? current.describe() : safeUri + " (not connected)";
  }

  /** Maps any failure of a Redis future onto the service's failure. */
  ServiceException failure(Throwable failure, String what) {
    Throwable cause = Errors.unwrap(failure);
    if (cause instanceof ServiceException service) {
      return service;
    }
    if (!RedisDeployment.isTransient(cause)) {
      log.error("{} failed: Redis {} refused a command", what, describe(), cause);
      return new ServiceException(ErrorCode.INTERNAL, Reason.INTERNAL_ERROR,
          what + " failed: Redis refused the command: " + cause.getMessage(), cause);
    }
    return ServiceException.unavailable(what + " failed: Redis at " + describe() + " is unavailable ("
        + rootMessage(cause) + "); nothing was changed or the call is safe to repeat", cause);
  }

  @Override
  public void close() {
    RedisDeployment current;
    synchronized (this) {
      closed = true;
      if (retries != null) {
        retries.shutdownNow();
      }
      current = deployment;
    }
    if (current != null) {
      current.close();
    }
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
