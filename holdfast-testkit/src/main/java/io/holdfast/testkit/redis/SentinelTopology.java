package io.holdfast.testkit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Redis Sentinel deployment on loopback: one master, its replicas and a group of sentinels (all real
 * {@code redis-server} processes; a sentinel is {@code redis-server <conf> --sentinel}, so no separate
 * {@code redis-sentinel} binary is needed).
 *
 * <p>{@link #start()} returns once the deployment could fail over: every replica is in sync and every sentinel
 * has discovered all replicas and all other sentinels (they learn of each other through hello messages every
 * two seconds, which is most of the start-up time). Sentinels declare the master down after
 * {@link #downAfter()} without a reply and need {@code sentinels / 2 + 1} of them to agree.
 *
 * <pre>{@code
 * try (SentinelTopology sentinel = SentinelTopology.start()) {
 *   Holdfast holdfast = Holdfast.connect(sentinel.uri());
 *   RedisServer old = sentinel.killMaster();
 *   RedisServer promoted = sentinel.awaitFailover(old, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Thread-safe as far as {@link RedisServer} is; the sets of servers never change, only their roles.
 */
public final class SentinelTopology implements AutoCloseable {
  /** The name the sentinels monitor the master under ({@code sentinelMasterId} in the URI). */
  public static final String MASTER_NAME = "mymaster";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DEFAULT_DOWN_AFTER = Duration.ofMillis(1000);

  private final List<RedisServer> dataNodes;
  private final List<RedisServer> sentinels;
  private final Duration downAfter;

  private SentinelTopology(List<RedisServer> dataNodes, List<RedisServer> sentinels, Duration downAfter) {
    this.dataNodes = List.copyOf(dataNodes);
    this.sentinels = List.copyOf(sentinels);
    this.downAfter = downAfter;
  }

  /**
   * Starts a master with 2 replicas and 3 sentinels (quorum 2), master declared down after 1 s.
   *
   * @return the ready deployment
   * @throws IllegalStateException if it does not become ready within 60 s (everything started is stopped)
   */
  public static SentinelTopology start() {
    return start(2, 3, DEFAULT_DOWN_AFTER);
  }

  /**
   * Starts a master with {@code replicas} replicas and {@code sentinels} sentinels.
   *
   * @param replicas replicas of the master, at least 1 (failover needs one to promote)
   * @param sentinels sentinels, at least 1; the quorum is a majority of them
   * @param downAfter how long a silent master takes to be declared down ({@code down-after-milliseconds})
   * @return the ready deployment
   * @throws IllegalArgumentException on a count below 1 or a non-positive duration
   * @throws IllegalStateException if it does not become ready within 60 s (everything started is stopped)
   */
  public static SentinelTopology start(int replicas, int sentinels, Duration downAfter) {
    if (replicas < 1 || sentinels < 1 || downAfter.isNegative() || downAfter.isZero()) {
      throw new IllegalArgumentException("need replicas >= 1, sentinels >= 1 and a positive downAfter, got "
          + replicas + ", " + sentinels + ", " + downAfter);
    }
    List<RedisServer> data = new ArrayList<>();
    List<RedisServer> watchers = new ArrayList<>();
    try {
      RedisServer master = dataNode().build().start();
      data.add(master);
      for (int i = 0; i < replicas; i++) {
        data.add(dataNode().arg("--replicaof", master.host(), Integer.toString(master.port())).build().start());
      }
      String config = String.join("\n",
          "sentinel monitor " + MASTER_NAME + " " + master.host() + " " + master.port() + " " + (sentinels / 2 + 1),
          "sentinel down-after-milliseconds " + MASTER_NAME + " " + downAfter.toMillis(),
          "sentinel failover-timeout " + MASTER_NAME + " 10000",
          "sentinel parallel-syncs " + MASTER_NAME + " " + replicas);
      for (int i = 0; i < sentinels; i++) {
        watchers.add(RedisServer.builder().configFile(config).arg("--sentinel").build().start());
      }
      SentinelTopology topology = new SentinelTopology(data, watchers, downAfter);
      topology.awaitReady(READY_TIMEOUT);
      return topology;
    } catch (RuntimeException e) {
      Await.closeAll(watchers);
      Await.closeAll(data);
      throw e;
    }
  }

  /* Diskless sync without delay: a replica (re)syncs in milliseconds instead of waiting for more replicas. */
  private static RedisServerBuilder dataNode() {
    return RedisServer.builder().arg("--repl-diskless-sync", "yes").arg("--repl-diskless-sync-delay", "0");
  }

  /**
   * The backend URI naming every sentinel.
   *
   * @return {@code redis-sentinel://127.0.0.1:S1,127.0.0.1:S2,...?sentinelMasterId=mymaster}
   */
  public String uri() {
    return "redis-sentinel://" + sentinels.stream().map(s -> s.host() + ":" + s.port())
        .collect(Collectors.joining(",")) + "?sentinelMasterId=" + MASTER_NAME;
  }

  /**
   * The data node the first sentinel that answers reports as master right now.
   *
   * @return the master
   * @throws IllegalStateException if no sentinel answers or the address is not one of the data nodes
   */
  public RedisServer master() {
    for (RedisServer sentinel : sentinels) {
      if (sentinel.isRunning() && !sentinel.isPaused()) {
        List<?> address = (List<?>) sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        return byPort(Integer.parseInt((String) address.get(1)));
      }
    }
    throw new IllegalStateException("no sentinel is running");
  }

  /**
   * Every data node (the first master and the replicas), whatever their current role.
   *
   * @return an unmodifiable list in start order
   */
  public List<RedisServer> dataNodes() {
    return dataNodes;
  }

  /**
   * The running data nodes other than the current master.
   *
   * @return the replicas
   */
  public List<RedisServer> replicas() {
    RedisServer master = master();
    return dataNodes.stream().filter(n -> n != master && n.isRunning()).toList();
  }

  /**
   * Every sentinel.
   *
   * @return an unmodifiable list in the order of {@link #uri()}
   */
  public List<RedisServer> sentinels() {
    return sentinels;
  }

  /**
   * How long a silent master takes to be declared down.
   *
   * @return {@code down-after-milliseconds}
   */
  public Duration downAfter() {
    return downAfter;
  }

  /**
   * Kills the current master with SIGKILL (a crash: writes its replicas did not receive yet are lost).
   *
   * @return the killed server; {@link RedisServer#restart()} brings it back empty, and the sentinels then
   *     turn it into a replica of the new master
   */
  public RedisServer killMaster() {
    RedisServer master = master();
    master.kill();
    return master;
  }

  /**
   * Waits until every running sentinel names a master other than {@code old} and that server says it is a
   * master.
   *
   * @param old the master that failed
   * @param timeout how long to wait
   * @return the promoted master
   * @throws IllegalStateException when the timeout passes first
   */
  public RedisServer awaitFailover(RedisServer old, Duration timeout) {
    return Await.until(timeout, "a sentinel failover away from " + old, () -> {
      RedisServer promoted = null;
      for (RedisServer sentinel : sentinels) {
        if (!sentinel.isRunning()) {
          continue;
        }
        List<?> address = (List<?>) sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        RedisServer named = byPort(Integer.parseInt((String) address.get(1)));
        if (named == old || (promoted != null && named != promoted)) {
          return null;
        }
        promoted = named;
      }
      return promoted != null && "master".equals(promoted.info("replication").get("role")) ? promoted : null;
    });
  }

  /**
   * Brings a failed data node back as a replica of {@code master}: restarts it (empty: data nodes keep no
   * files), sends {@code REPLICAOF} at once and waits until its replication link is up. No client is sent to it
   * meanwhile, since the sentinels already name {@code master}; without the command the sentinels would convert
   * it a little later themselves.
   *
   * @param failed a data node that was killed, for instance by {@link #killMaster()}
   * @param master the current master, for instance from {@link #awaitFailover}
   * @param timeout how long to wait for the link
   * @throws IllegalStateException when the timeout passes first
   */
  public void restartAsReplica(RedisServer failed, RedisServer master, Duration timeout) {
    failed.restart();
    failed.command("REPLICAOF", master.host(), Integer.toString(master.port()));
    Await.until(timeout, failed + " to replicate " + master, () -> {
      Map<String, String> replication = failed.info("replication");
      return "slave".equals(replication.get("role")) && "up".equals(replication.get("master_link_status"))
          && Integer.toString(master.port()).equals(replication.get("master_port"));
    });
  }

  /**
   * Waits until the deployment could fail over: replicas in sync with the current master, and every sentinel
   * aware of every replica and every other sentinel.
   *
   * @param timeout how long to wait
   * @throws IllegalStateException when the timeout passes first
   */
  public void awaitReady(Duration timeout) {
    int replicas = dataNodes.size() - 1;
    Await.until(timeout, "replicas in sync and sentinels aware of each other", () -> {
      RedisServer master = master();
      if (!Integer.toString(replicas).equals(master.info("replication").get("connected_slaves"))) {
        return false;
      }
      for (RedisServer sentinel : sentinels) {
        Map<String, String> state = fields((List<?>) sentinel.command("SENTINEL", "MASTER", MASTER_NAME));
        if (!"master".equals(state.get("flags"))
            || !Integer.toString(replicas).equals(state.get("num-slaves"))
            || !Integer.toString(sentinels.size() - 1).equals(state.get("num-other-sentinels"))) {
          return false;
        }
      }
      return true;
    });
  }

  /** Stops and deletes every server, sentinels first so that they do not fail over while data nodes stop. */
  @Override
  public void close() {
    try {
      Await.closeAll(sentinels);
    } finally {
      Await.closeAll(dataNodes);
    }
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return "SentinelTopology[data=" + dataNodes + ", sentinels=" + sentinels + "]";
  }

  private RedisServer byPort(int port) {
    return dataNodes.stream().filter(n -> n.port() == port).findFirst()
        .orElseThrow(() -> new IllegalStateException("a sentinel names port " + port + ", not a data node"));
  }

  private static Map<String, String> fields(List<?> flat) {
    Map<String, String> map = new java.util.HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      map.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
    }
    return map;
  }
}
