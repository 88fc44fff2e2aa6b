package io.holdfast.redis;

import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the independent masters: its connections, connected lazily and reconnected by Lettuce. A master that
 * is down when the client starts is tried again on use, at most once per {@link #RETRY_CONNECT}, so a client can
 * start (and keep granting) with a minority of masters down and picks the others up once they are back.
 *
 * <p>Safe: the connection attempt is guarded by this object's monitor; a connected set is published through a
 * volatile field and never replaced (Lettuce reconnects it in place).
 */
final class QuorumMaster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QuorumMaster.class);
  private static final Duration RETRY_CONNECT = Duration.ofSeconds(1);

  /**
   * A master's open connections and what is bound to them.
   *
   * @param commands the command connection
   * @param pubSub the pub/sub connection
   * @param scripts the lock scripts on {@code commands}
   * @param channels release wake-ups on {@code pubSub}
   */
  record Connected(StatefulRedisConnection<String, String> commands,
      StatefulRedisPubSubConnection<String, String> pubSub, LockScripts scripts, ReleaseChannels channels) { }

  private final RedisClient client;
  private final RedisURI uri;
  private final KeySpace keys;
  private final CommandLane lane;
  private volatile Connected connected;
  private CompletableFuture<Connected> attempt;
  private long attemptNanos;
  private boolean closed;

  QuorumMaster(RedisClient client, RedisURI uri, KeySpace keys, CommandLane lane) {
    this.client = client;
    this.uri = uri;
    this.keys = keys;
    this.lane = lane;
  }

  /* Queued before any lock command sent after it on this connection, so that command finds the scripts loaded. */
  private static CompletableFuture<Void> loadScripts(StatefulRedisConnection<String, String> commands) {
    List<CompletableFuture<String>> loads = new ArrayList<>();
    LockScripts.ALL.forEach(script -> loads.add(commands.async().scriptLoad(script.source()).toCompletableFuture()));
    HolderScripts.ALL.forEach(script -> loads.add(commands.async().scriptLoad(script.source()).toCompletableFuture()));
    return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new));
  }

  String address() {
    return uri.getHost() + ":" + uri.getPort();
  }

  boolean isConnected() {
    return connected != null;
  }

  /**
   * Runs an operation on this master's connections, or fails at once if they are not established yet (and
   * starts connecting). The operations reach the master in the order they were issued, which adopt.lua and
   * undo.lua rely on: each is sent through this master's {@link CommandLane} (Lettuce alone reorders commands
   * issued from different threads), and failing rather than waiting for the connection keeps that order too
   * (callbacks chained on one pending future would run in an unspecified order).
   *
   * @param operation the call
   * @param <T> its result
   * @return its result, or a transient {@link RedisConnectionException}
   */
  <T> CompletableFuture<T> on(Function<Connected, CompletableFuture<T>> operation) {
    Connected current = connected;
    if (current != null) {
      return lane.send(() -> operation.apply(current));
    }
    connection();
    return CompletableFuture.failedFuture(new RedisConnectionException("not connected to independent master "
        + address() + " (yet)"));
  }

  /** This master as the Redlock coordinator calls it for one library acquire. */
  Redlock.Master voter(LockName name, OwnerToken owner, Duration ttl) {
    return voter(name, owner, ttl, null);
  }

  /**
   * This master as the Redlock coordinator calls it for one library acquire, in fair mode when {@code queueKeep}
   * is not null: the line's member is the owner token, as on one server.
   */
  Redlock.Master voter(LockName name, OwnerToken owner, Duration ttl, Duration queueKeep) {
    QuorumMaster master = this;
    return new Redlock.Master() {
      @Override
      public CompletableFuture<List<Object>> acquire(long attemptId) {
        return on(c -> queueKeep == null ? c.scripts().acquire(name, owner, ttl, attemptId)
            : c.scripts().acquireFair(name, owner, ttl, attemptId, queueKeep));
      }

      @Override
      public CompletableFuture<Long> settle(long ticket) {
        return on(c -> c.scripts().settleInLine(name.value(), owner.value(), ticket, queueKeep));
      }

      @Override
      public CompletableFuture<Long> leave() {
        return on(c -> c.scripts().leaveLine(name.value(), owner.value()));
      }

      @Override
      public CompletableFuture<Long> adopt(long attemptId, long token, int holds) {
        return on(c -> c.scripts().adopt(name, owner, attemptId, token, holds));
      }

      @Override
      public CompletableFuture<Long> undo(long attemptId) {
        return on(c -> c.scripts().undo(name, owner, attemptId));
      }

      @Override
      public String address() {
        return master.address();
      }
    };
  }

  synchronized CompletableFuture<Connected> connection() {
    if (connected != null) {
      return CompletableFuture.completedFuture(connected);
    }
    boolean recentFailure = attempt != null && attempt.isCompletedExceptionally()
        && System.nanoTime() - attemptNanos < RETRY_CONNECT.toNanos();
    if (closed || (attempt != null && (!attempt.isDone() || recentFailure))) {
      return attempt != null ? attempt : CompletableFuture.failedFuture(new IllegalStateException("closed"));
    }
    attemptNanos = System.nanoTime();
    attempt = connect();
    return attempt;
  }

  private CompletableFuture<Connected> connect() {
    CompletableFuture<StatefulRedisConnection<String, String>> commands =
        client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
    CompletableFuture<StatefulRedisPubSubConnection<String, String>> pubSub =
        client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture();
    return commands.thenCombine(pubSub, (c, p) -> {
      loadScripts(c); // before any lock command on this connection, so the first EVALSHA finds the scripts loaded
      // A master that restarted comes back without its script cache, and Lettuce reconnects to it in place. Until
      // every script is cached again, a NOSCRIPT re-send (outside the lane) could put an undo behind the next
      // attempt's acquire; so all of them are loaded again, through the lane, as soon as the connection is back.
      LettuceSetup.reloadOnReconnect(client, c, () -> lane.send(() -> loadScripts(c)));
      return new Connected(c, p, new LockScripts(c.async(), keys, false), new ReleaseChannels(p, false));
    }).whenComplete((ready, failure) -> adopt(ready, failure, commands, pubSub));
  }

  private synchronized void adopt(Connected ready, Throwable failure,
      CompletableFuture<StatefulRedisConnection<String, String>> commands,
      CompletableFuture<StatefulRedisPubSubConnection<String, String>> pubSub) {
    if (failure == null && !closed) {
      connected = ready;
      return;
    }
    // One of the two may have connected: close it, or it would leak until the client shuts down.
    commands.thenAccept(StatefulRedisConnection::closeAsync);
    pubSub.thenAccept(StatefulRedisPubSubConnection::closeAsync);
    if (failure != null) {
      LOG.debug("Independent master {} is unreachable, retrying on use: {}", address(), failure.toString());
    }
  }

  /**
   * Stops connecting. The connections themselves are closed by the shutdown of the shared client, which closes
   * every connection it made (closing them here too would close them twice).
   */
  @Override
  public synchronized void close() {
    closed = true;
  }
}
