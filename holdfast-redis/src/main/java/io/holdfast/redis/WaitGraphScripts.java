package io.holdfast.redis;

import io.holdfast.internal.WaitForGraph;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The wait-for graph of deadlock detection on Redis, shared by every library client and lock service instance on
 * the same key prefix: waits are recorded per party ({@code wait_edge.lua}), holders are read from the lock itself
 * with the library's {@code inspect.lua}, so the lock state rule (held, lock-delay, free) stays in one place and a
 * lock in lock-delay after its session expired has no holder. Every call is one script on one key, so it works on
 * Redis Cluster too. Used only on the waiting path.
 *
 * <p>Safe: immutable; each call is atomic on its key.
 */
public final class WaitGraphScripts implements WaitForGraph {
  static final LuaScript WAIT_EDGE = LuaScript.fromClasspath("wait_edge.lua");
  static final LuaScript WAIT_EDGES = LuaScript.fromClasspath("wait_edges.lua");

  private final RedisClusterAsyncCommands<String, String> commands;
  private final KeySpace keys;

  private WaitGraphScripts(RedisClusterAsyncCommands<String, String> commands, KeySpace keys) {
    this.commands = commands;
    this.keys = keys;
  }

  /**
   * The graph on a connection the caller manages.
   *
   * @param commands the connection (on Cluster, a cluster connection)
   * @param keys the key space of the locks
   * @return the graph
   */
  public static WaitGraphScripts on(RedisClusterAsyncCommands<String, String> commands, KeySpace keys) {
    return new WaitGraphScripts(commands, keys);
  }

  /**
   * The party of a lock service session's owner, as its waits are recorded and as its holds read: the one
   * spelling of {@code "<session id> <owner>"}.
   *
   * @param sessionId the session
   * @param owner the owner token's value
   * @return the party
   */
  public static String sessionParty(String sessionId, String owner) {
    return sessionId + " " + owner;
  }

  @Override
  public CompletableFuture<Long> record(String party, String lock, Duration keep) {
    return WAIT_EDGE.<String>run(commands, ScriptOutputType.VALUE, new String[] {keys.waitsKey(party)}, lock,
        Long.toString(Math.max(1, keep.toMillis()))).thenApply(Long::parseLong);
  }

  @Override
  public CompletableFuture<Void> remove(String party, String lock) {
    return WAIT_EDGE.<String>run(commands, ScriptOutputType.VALUE, new String[] {keys.waitsKey(party)}, lock, "0")
        .thenApply(removed -> null);
  }

  @Override
  public CompletableFuture<List<Edge>> waits(String party) {
    return WAIT_EDGES.<List<Object>>run(commands, ScriptOutputType.MULTI, new String[] {keys.waitsKey(party)})
        .thenApply(reply -> {
          List<Edge> edges = new ArrayList<>();
          for (int i = 0; i + 1 < reply.size(); i += 2) {
            edges.add(new Edge(String.valueOf(reply.get(i)), Long.parseLong(String.valueOf(reply.get(i + 1)))));
          }
          return edges;
        });
  }

  /* inspect.lua: {owner, token, holds, remaining, state, session, ...}; state 1 is held, 2 lock-delay. */
  @Override
  public CompletableFuture<Optional<String>> holder(String lock) {
    return LockScripts.INSPECT.<List<Object>>run(commands, ScriptOutputType.MULTI,
        new String[] {keys.lockKey(lock)}).thenApply(reply -> {
          if (reply.isEmpty() || ((Long) reply.get(4)) != 1L) {
            return Optional.empty();
          }
          String owner = String.valueOf(reply.get(0));
          String session = String.valueOf(reply.get(5));
          return Optional.of(session.isEmpty() ? owner : sessionParty(session, owner));
        });
  }
}
