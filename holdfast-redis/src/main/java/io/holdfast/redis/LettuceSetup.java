package io.holdfast.redis;

import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions.RefreshTrigger;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Lettuce settings every topology shares, chosen for the engine above, which retries transient failures
 * with backoff: connections reconnect by themselves, commands issued while disconnected fail at once instead of
 * queueing ({@link DisconnectedBehavior#REJECT_COMMANDS}), and every command times out after the operation
 * timeout.
 *
 * <p>Reconnection is capped at one attempt per second (Lettuce's default backs off to 30 s): after a Sentinel or
 * Cluster failover the new master is reachable within seconds, and a client still sleeping in a 16 s backoff
 * would hold its locks' renewals hostage. Cluster topology is refreshed on every redirection, reconnect storm or
 * unknown node (at most once a second) and every 10 s regardless, because a dead master sends no MOVED: only a
 * refresh learns that its replica took over.
 *
 * <p>Safe: stateless; every call builds fresh immutable option objects.
 */
final class LettuceSetup {
  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);
  private static final Duration ADAPTIVE_REFRESH_LIMIT = Duration.ofSeconds(1);
  private static final Duration PERIODIC_REFRESH = Duration.ofSeconds(10);
  private static final int RECONNECTS_BEFORE_REFRESH = 3;

  private LettuceSetup() { }

  /**
   * New resources with this module's reconnect delay. Single servers, Sentinel and independent masters share
   * one instance per JVM through {@link SharedClientResources}; a Cluster client gets its own.
   */
  static ClientResources resources() {
    return DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
        .build();
  }

  static ClientOptions clientOptions(Duration timeout) {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .socketOptions(socketOptions(timeout))
        .build();
  }

  /**
   * Cluster options. Unlike a single connection, commands are not rejected while a node is disconnected: Lettuce
   * opens the connection to a slot's node on first use (a rejected first SSUBSCRIBE would leave a waiter on its
   * re-check timer, a rejected first EVALSHA would cost a retry), and a command parked on a failed master's
   * connection is re-routed once the topology refresh closes that connection as stale. Parked commands still
   * time out after the operation timeout, which the engine retries.
   */
  static ClusterClientOptions clusterOptions(Duration timeout) {
    return ClusterClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(DisconnectedBehavior.DEFAULT)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .socketOptions(socketOptions(timeout))
        .maxRedirects(5)
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enableAdaptiveRefreshTrigger(RefreshTrigger.MOVED_REDIRECT, RefreshTrigger.ASK_REDIRECT,
                RefreshTrigger.PERSISTENT_RECONNECTS, RefreshTrigger.UNCOVERED_SLOT, RefreshTrigger.UNKNOWN_NODE)
            .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_LIMIT)
            .refreshTriggersReconnectAttempts(RECONNECTS_BEFORE_REFRESH)
            .enablePeriodicRefresh(PERIODIC_REFRESH)
            .closeStaleConnections(true)
            .dynamicRefreshSources(true)
            .build())
        .build();
  }

  private static SocketOptions socketOptions(Duration timeout) {
    return SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build();
  }

  /**
   * Runs {@code reload} each time Lettuce reconnects {@code connection}; call it once the connection is open (an
   * extra reload is harmless). A server that
   * restarted comes back with an empty script cache; loading the scripts again at once means calls find them,
   * rather than each failing with {@code NOSCRIPT} and being re-sent with its source from its reply's callback,
   * behind whatever was issued on the connection since.
   *
   * @param client the client that made the connection
   * @param connection the connection to watch
   * @param reload sends the {@code SCRIPT LOAD}s; runs on the connection's event loop, must not block
   */
  static void reloadOnReconnect(AbstractRedisClient client, Object connection, Runnable reload) {
    client.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
        if (handler == connection) {
          reload.run();
        }
      }
    });
  }

  /**
   * Loads the scripts so that the server compiles them now and a bad script fails at start-up.
   *
   * @throws HoldfastException with {@link ErrorCode#INTERNAL} when the server digests a script differently
   */
  static void loadScripts(RedisScriptingCommands<String, String> commands, List<LuaScript> scripts, String where) {
    for (LuaScript script : scripts) {
      String sha = commands.scriptLoad(script.source());
      if (!sha.equals(script.sha1())) {
        throw new HoldfastException(ErrorCode.INTERNAL, "Redis at " + where + " digests " + script.name()
            + " as " + sha + ", expected " + script.sha1() + "; client and server disagree on its bytes");
      }
    }
  }

  /** Whether a server version ("7.0.15", "6.2.11") is at least 7, which sharded pub/sub needs. */
  static boolean hasShardedPubSub(String version) {
    int dot = version.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? version : version.substring(0, dot)) >= 7;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
