package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.internal.WaitForGraph.Edge;
import io.holdfast.redis.LockScripts.SessionTerms;
import io.holdfast.testkit.redis.RedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wait-for graph's scripts where they are written (wait_edge.lua, wait_edges.lua) and the holder read through
 * inspect.lua: an edge keeps its start when refreshed, vanishes at its deadline and on removal, and a lock's holder
 * is its live owner (a session's party for a session grant), nobody during a lock-delay.
 */
class WaitGraphScriptsIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private RedisCommands<String, String> sync;
  private WaitGraphScripts graph;
  private LockScripts scripts;

  @BeforeEach
  void connect() {
    client = RedisClient.create(redis.uri());
    connection = client.connect();
    sync = connection.sync();
    sync.flushall();
    graph = WaitGraphScripts.on(connection.async(), KeySpace.of("holdfast", false));
    scripts = LockScripts.forService(connection.async(), KeySpace.of("holdfast", false), false);
  }

  @AfterEach
  void close() {
    connection.close();
    client.shutdown();
  }

  @Test
  void record_refreshed_keepsStartAndExtendsKeyExpiry() {
    long start = graph.record("a", "x", Duration.ofSeconds(5)).join();
    long again = graph.record("a", "x", Duration.ofSeconds(30)).join();

    assertThat(again).isEqualTo(start);
    assertThat(graph.waits("a").join()).containsExactly(new Edge("x", start));
    assertThat(sync.pttl("holdfast:waits:{a}")).isBetween(25_000L, 30_000L);
  }

  @Test
  void record_deadlinePassed_edgeIsNotReadAndKeyExpires() {
    graph.record("a", "x", Duration.ofMillis(1)).join();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> graph.waits("a").join().isEmpty());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sync.exists("holdfast:waits:{a}") == 0);
  }

  @Test
  void remove_oneOfTwoEdges_leavesTheOther() {
    graph.record("a", "x", Duration.ofSeconds(5)).join();
    long y = graph.record("a", "y", Duration.ofSeconds(5)).join();
    graph.remove("a", "x").join();

    assertThat(graph.waits("a").join()).containsExactly(new Edge("y", y));
    graph.remove("a", "y").join();
    assertThat(sync.exists("holdfast:waits:{a}")).isZero();
  }

  @Test
  void holder_libraryAndSessionGrants_areOwnerAndSessionPartyAndFreeLockHasNone() {
    assertThat(graph.holder("x").join()).isEmpty();
    scripts.acquire(io.holdfast.LockName.of("y"), io.holdfast.OwnerToken.of("owner-2"), Duration.ofSeconds(10), 2)
        .join();
    assertThat(graph.holder("y").join()).contains("owner-2");
    scripts.acquireInSession("x", "owner-1", Duration.ofSeconds(10), 1,
        new SessionTerms("s1", redisMillis() + 60_000, Duration.ZERO, "it", "p"), Duration.ZERO, null).join();

    assertThat(graph.holder("x").join()).isEqualTo(Optional.of(WaitGraphScripts.sessionParty("s1", "owner-1")));
  }

  @Test
  void holder_sessionExpiredInLockDelay_isNobody() {
    scripts.acquireInSession("x", "owner-1", Duration.ZERO, 1,
        new SessionTerms("s1", redisMillis() + 50, Duration.ofSeconds(30), "it", "p"), Duration.ZERO, null).join();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> graph.holder("x").join().isEmpty());
    assertThat(sync.exists("holdfast:{x}")).as("still blocking others in its lock-delay").isOne();
  }

  private long redisMillis() {
    List<String> time = sync.time();
    return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
  }
}
