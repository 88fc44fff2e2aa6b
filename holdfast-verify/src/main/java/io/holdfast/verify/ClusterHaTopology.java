package io.holdfast.verify;

import io.holdfast.testkit.redis.ClusterTopology;
import io.holdfast.testkit.redis.RedisServer;
import io.lettuce.core.cluster.SlotHash;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/*
 * Cluster: 3 masters with a replica each (node timeout 2 s) started by the test kit; nodes keep no data files.
 * Clients use redis-cluster:// and follow the nodes' own addresses (CLUSTER SLOTS, MOVED), so, as with Sentinel,
 * no per-client proxy can sit in front and the network faults are not offered.
 *
 * failover: SIGKILL a master that serves the slot of at least one of the workload's locks (chosen by the seed),
 * so the fault always hits locks in use, and watch from then on until its replica serves that slot and the
 * cluster is ok (so the time is exact whatever the hold); on heal wait for that,
 * then restart the old master (empty), which rejoins as a replica of the new one. Asynchronous replication can
 * lose the last grants and renewals on that master's slots, including the per-slot fence counter: the checkers
 * treat it as redis-wipe (FaultKind.FAILOVER) and keep counting C1, C2 and C5, so tokens that go backwards
 * after a failover are reported.
 */
final class ClusterHaTopology implements Topology {
  private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);

  private final ClusterTopology cluster;
  private final List<Integer> lockSlots;
  private final Random random;
  private final String version;
  private RedisServer failed;
  private int failedSlot;
  private long killedAt;
  private CompletableFuture<Promotion> promotion;
  private volatile boolean faultActive;
  private RoleWatch watch;

  private ClusterHaTopology(ClusterTopology cluster, int locks, long seed) {
    this.cluster = cluster;
    this.lockSlots = IntStream.range(0, locks).mapToObj(ClusterHaTopology::slotOfLock).distinct().toList();
    this.random = new Random(seed ^ 0xC105L);
    this.version = cluster.nodes().get(0).info("server").get("redis_version");
  }

  static ClusterHaTopology start(int locks, long seed) {
    return new ClusterHaTopology(ClusterTopology.start(), locks, seed);
  }

  /** The hash slot of the workload's lock {@code lock-i} (its keys carry the name as hash tag). */
  static int slotOfLock(int i) {
    return SlotHash.getSlot(("lock-" + i).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String describe() {
    return "Cluster: " + cluster.masters().size() + " masters + " + (cluster.nodes().size() - cluster.masters().size())
        + " replicas, redis-server " + version + ", node timeout 2000 ms, asynchronous replication, no persistence;"
        + " clients connect directly (no proxy, no net faults)";
  }

  @Override
  public List<InetSocketAddress> endpoints() {
    return List.of();
  }

  @Override
  public String clientUri(List<Integer> proxyPorts) {
    return cluster.uri();
  }

  @Override
  public Set<FaultKind> supportedFaults() {
    Set<FaultKind> kinds = FaultKind.clientSide();
    kinds.add(FaultKind.FAILOVER);
    return kinds;
  }

  @Override
  public Duration healAllowance() {
    return Duration.ofSeconds(8);
  }

  @Override
  public void watchUnplanned(RoleWatch.Sink sink) {
    watch = new RoleWatch(this::roles, () -> faultActive, sink);
  }

  /** Settled when the nodes that say they are master are exactly those the cluster has serving slots. */
  private RoleWatch.Roles roles() {
    List<Integer> serving = cluster.masters().stream().map(RedisServer::port).sorted().toList();
    List<Integer> masters = RoleWatch.masterPorts(cluster.nodes());
    return new RoleWatch.Roles("slots served by " + serving + ", role master on " + masters,
        masters.equals(serving));
  }

  @Override
  public String inject(FaultKind kind, Duration clockStep) {
    SentinelHaTopology.requireFailover(kind);
    faultActive = true;
    failedSlot = lockSlots.get(random.nextInt(lockSlots.size()));
    failed = cluster.masterOf(failedSlot);
    List<Integer> hit = lockSlots.stream().filter(slot -> cluster.masterOf(slot) == failed).toList();
    long pid = failed.pid();
    killedAt = System.nanoTime();
    failed.kill();
    RedisServer old = failed;
    int watched = failedSlot;
    promotion = Promotion.watch(() -> cluster.awaitFailover(old, watched, FAILOVER_TIMEOUT));
    return "SIGKILL master :" + failed.port() + " (pid " + pid + ") serving lock slots " + hit;
  }

  @Override
  public String heal(FaultKind kind) {
    SentinelHaTopology.requireFailover(kind);
    Promotion done = promotion.join();
    RedisServer promoted = done.master();
    long promotedAfter = done.at() - killedAt;
    cluster.restartAsReplica(failed, failedSlot, FAILOVER_TIMEOUT);
    faultActive = false;
    return String.format("replica :%d serves the slots %d ms after the kill; old master :%d rejoined empty as a"
        + " replica, cluster ok %d ms after the kill", promoted.port(), promotedAfter / 1_000_000, failed.port(),
        (System.nanoTime() - killedAt) / 1_000_000);
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    cluster.close();
  }
}
