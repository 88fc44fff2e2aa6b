package io.holdfast.testkit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Redis Cluster on loopback: masters sharing the 16,384 hash slots evenly, each with its replicas, all real
 * {@code redis-server --cluster-enabled yes} processes. It is formed the way {@code redis-cli --cluster create}
 * does it, but over plain RESP commands ({@code CLUSTER SET-CONFIG-EPOCH}, {@code ADDSLOTS}, {@code MEET},
 * {@code REPLICATE}), so it needs no {@code redis-cli} and works with any server from 6.2 on.
 *
 * <p>{@link #start()} returns once every node reports {@code cluster_state:ok} with all slots assigned and every
 * replica is in sync. A master that stops answering is failed over by its replica after the node timeout
 * (plus an election of about a second); {@link #awaitFailover} waits for that.
 *
 * <p>Thread-safe as far as {@link RedisServer} is; the set of nodes never changes, only their roles.
 */
public final class ClusterTopology implements AutoCloseable {
  /** Number of hash slots of every Redis Cluster. */
  public static final int SLOTS = 16_384;

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final List<RedisServer> nodes;
  private final Map<RedisServer, String> ids;

  private ClusterTopology(List<RedisServer> nodes, Map<RedisServer, String> ids) {
    this.nodes = List.copyOf(nodes);
    this.ids = Map.copyOf(ids);
  }

  /**
   * Starts 3 masters with one replica each and a node timeout of 2 s.
   *
   * @return the formed cluster
   * @throws IllegalStateException if it does not converge within 60 s (every node is stopped again)
   */
  public static ClusterTopology start() {
    return start(3, 1, Duration.ofSeconds(2));
  }

  /**
   * Starts a cluster.
   *
   * @param masters masters, at least 3 (failure detection needs a majority of masters)
   * @param replicasPerMaster replicas of each master, at least 0
   * @param nodeTimeout {@code cluster-node-timeout}: how long a silent node takes to be suspected
   * @return the formed cluster
   * @throws IllegalArgumentException on bad counts or a non-positive timeout
   * @throws IllegalStateException if it does not converge within 60 s (every node is stopped again)
   */
  public static ClusterTopology start(int masters, int replicasPerMaster, Duration nodeTimeout) {
    if (masters < 3 || replicasPerMaster < 0 || nodeTimeout.isNegative() || nodeTimeout.isZero()) {
      throw new IllegalArgumentException("need masters >= 3, replicasPerMaster >= 0 and a positive nodeTimeout, got "
          + masters + ", " + replicasPerMaster + ", " + nodeTimeout);
    }
    List<RedisServer> started = new ArrayList<>();
    try {
      for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
        started.add(node(nodeTimeout).build().start());
      }
      ClusterTopology cluster = new ClusterTopology(started, ClusterFormation.form(started, masters));
      cluster.awaitHealthy(READY_TIMEOUT);
      return cluster;
    } catch (RuntimeException e) {
      Await.closeAll(started);
      throw e;
    }
  }

  /*
   * Replicas may always fail over (validity factor 0: a test kills masters on purpose, and a replica that lost
   * touch briefly must still be eligible), and sync without the diskless delay.
   */
  private static RedisServerBuilder node(Duration nodeTimeout) {
    return RedisServer.builder()
        .arg("--cluster-enabled", "yes")
        .arg("--cluster-config-file", "nodes.conf")
        .arg("--cluster-node-timeout", Long.toString(nodeTimeout.toMillis()))
        .arg("--cluster-replica-validity-factor", "0")
        .arg("--repl-diskless-sync", "yes")
        .arg("--repl-diskless-sync-delay", "0");
  }

  /**
   * The backend URI naming every node as a seed.
   *
   * @return {@code redis-cluster://127.0.0.1:P1,127.0.0.1:P2,...}
   */
  public String uri() {
    return "redis-cluster://" + nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","));
  }

  /**
   * Every node, whatever its current role.
   *
   * @return an unmodifiable list; the first {@code masters} were the masters at start
   */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /**
   * The node id of a server.
   *
   * @param node one of {@link #nodes()}
   * @return its 40-character cluster node id
   */
  public String nodeId(RedisServer node) {
    return ids.get(node);
  }

  /**
   * The node serving a hash slot right now, as a running node's {@code CLUSTER NODES} says.
   *
   * @param slot 0 to 16,383
   * @return the master of the slot
   * @throws IllegalStateException if no running node answers or the slot is unassigned
   */
  public RedisServer masterOf(int slot) {
    for (ClusterFormation.NodeLine line : ClusterFormation.nodes(anyRunning())) {
      if (line.master() && line.serves(slot)) {
        return byId(line.id());
      }
    }
    throw new IllegalStateException("no master serves slot " + slot);
  }

  /**
   * The running masters right now.
   *
   * @return masters that serve at least one slot
   */
  public List<RedisServer> masters() {
    return ClusterFormation.nodes(anyRunning()).stream()
        .filter(l -> l.master() && l.hasSlots() && !l.failed())
        .map(l -> byId(l.id())).toList();
  }

  /**
   * Starts moving a slot to another master, as {@code redis-cli --cluster reshard} does: the target marks it
   * IMPORTING, the source MIGRATING. From now on the source answers ASK for keys it no longer has.
   *
   * @param slot the slot
   * @param target a master other than the slot's current one
   */
  public void beginMigration(int slot, RedisServer target) {
    RedisServer source = masterOf(slot);
    target.command("CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", nodeId(source));
    source.command("CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", nodeId(target));
  }

  /**
   * Moves up to {@code count} keys of a slot that is being migrated from its source to the target.
   *
   * @param slot the slot, after {@link #beginMigration}
   * @param target the target given to {@link #beginMigration}
   * @param count the most keys to move now
   * @return how many keys were moved
   */
  public int moveKeys(int slot, RedisServer target, int count) {
    RedisServer source = masterOf(slot);
    List<?> keys = (List<?>) source.command("CLUSTER", "GETKEYSINSLOT", Integer.toString(slot),
        Integer.toString(count));
    if (keys.isEmpty()) {
      return 0;
    }
    List<String> migrate = new ArrayList<>(List.of("MIGRATE", target.host(), Integer.toString(target.port()), "",
        "0", "5000", "KEYS"));
    keys.forEach(k -> migrate.add((String) k));
    source.command(migrate.toArray(String[]::new));
    return keys.size();
  }

  /**
   * Ends a migration: moves the remaining keys and assigns the slot to the target on every master, so every
   * node answers MOVED for it from then on.
   *
   * @param slot the slot, after {@link #beginMigration}
   * @param target the target given to {@link #beginMigration}
   */
  public void finishMigration(int slot, RedisServer target) {
    while (moveKeys(slot, target, 100) > 0) {
      // until the source has no key of the slot left
    }
    String targetId = nodeId(target);
    target.command("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", targetId);
    for (RedisServer master : masters()) {
      if (master != target) {
        master.command("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", targetId);
      }
    }
  }

  /**
   * Waits until the slots {@code failed} served are served by another node and every running node reports
   * {@code cluster_state:ok}.
   *
   * @param failed a master that was killed or paused
   * @param slot one of the slots it served
   * @param timeout how long to wait
   * @return the new master of {@code slot}
   * @throws IllegalStateException when the timeout passes first
   */
  public RedisServer awaitFailover(RedisServer failed, int slot, Duration timeout) {
    return Await.until(timeout, "a replica of " + failed + " to take over slot " + slot, () -> {
      RedisServer now = masterOf(slot);
      return now != failed && allOk() ? now : null;
    });
  }

  /**
   * Brings a failed master back after its replica took over its slots: restarts it (empty: nodes keep only
   * {@code nodes.conf}), and waits until it follows the node now serving {@code slot} with its link up and the
   * cluster is {@linkplain #awaitHealthy healthy}. A master that finds its slots taken over with a newer epoch
   * turns itself into a replica of the new owner; if it has not done so by the time it answers, it is told to
   * with {@code CLUSTER REPLICATE}.
   *
   * @param failed a master that was killed, after {@link #awaitFailover}
   * @param slot one of the slots it served
   * @param timeout how long to wait
   * @throws IllegalStateException when the timeout passes first
   */
  public void restartAsReplica(RedisServer failed, int slot, Duration timeout) {
    RedisServer owner = masterOf(slot);
    failed.restart();
    Await.until(timeout, failed + " to replicate " + owner, () -> {
      Map<String, String> replication = failed.info("replication");
      if ("master".equals(replication.get("role"))
          && ClusterFormation.nodes(failed).stream().anyMatch(l -> l.id().equals(ids.get(owner)) && l.master())) {
        failed.command("CLUSTER", "REPLICATE", ids.get(owner));
      }
      return "slave".equals(replication.get("role")) && "up".equals(replication.get("master_link_status"));
    });
    awaitHealthy(timeout);
  }

  /**
   * Waits until every running node reports {@code cluster_state:ok} with all slots served and every running
   * replica has its replication link up.
   *
   * @param timeout how long to wait
   * @throws IllegalStateException when the timeout passes first
   */
  public void awaitHealthy(Duration timeout) {
    Await.until(timeout, "cluster_state:ok on every node, replicas in sync", () -> {
      if (!allOk()) {
        return false;
      }
      for (RedisServer node : running()) {
        Map<String, String> replication = node.info("replication");
        if ("slave".equals(replication.get("role")) && !"up".equals(replication.get("master_link_status"))) {
          return false;
        }
      }
      return true;
    });
  }

  /** Stops and deletes every node; safe to call more than once. */
  @Override
  public void close() {
    Await.closeAll(nodes);
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return "ClusterTopology" + nodes;
  }

  private boolean allOk() {
    for (RedisServer node : running()) {
      Map<String, String> info = Resp.parseInfo(node.command("CLUSTER", "INFO"));
      if (!"ok".equals(info.get("cluster_state")) || !"16384".equals(info.get("cluster_slots_ok"))) {
        return false;
      }
    }
    return true;
  }

  private List<RedisServer> running() {
    return nodes.stream().filter(n -> n.isRunning() && !n.isPaused()).toList();
  }

  private RedisServer anyRunning() {
    return running().stream().findFirst().orElseThrow(() -> new IllegalStateException("no node is running"));
  }

  private RedisServer byId(String id) {
    return nodes.stream().filter(n -> id.equals(ids.get(n))).findFirst()
        .orElseThrow(() -> new IllegalStateException("unknown cluster node id " + id));
  }

  static Map<RedisServer, String> idsOf(List<RedisServer> nodes) {
    Map<RedisServer, String> ids = new HashMap<>();
    for (RedisServer node : nodes) {
      ids.put(node, (String) node.command("CLUSTER", "MYID"));
    }
    return ids;
  }
}
