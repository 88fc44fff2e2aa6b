package io.holdfast.verify;

import io.holdfast.testkit.redis.RedisServer;
import io.holdfast.testkit.redis.SentinelTopology;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/*
 * Sentinel: a master, 2 replicas and 3 sentinels (quorum 2, down-after 1 s) started by the test kit; data nodes
 * keep no files, as is common behind Sentinel. Clients use redis-sentinel:// and connect to the servers directly:
 * the sentinels hand out the data nodes' own addresses, so a per-client proxy cannot sit in front and the network
 * faults are not offered.
 *
 * failover: SIGKILL the current master and watch for the promotion from then on (so its time is exact whatever
 * the hold); on heal wait until every sentinel names the promoted replica, then restart the old master (empty) as
 * a replica of the new one and wait for its link. Replication is asynchronous, so the
 * promoted replica may lack the last grants and renewals: a lease can vanish, as with redis-wipe, and the checkers
 * treat it so (FaultKind.FAILOVER). Tokens stay ordered through the TIME floor, since all servers share a clock;
 * C2 still counts, so a token that goes backwards after a failover is reported, not explained.
 */
final class SentinelHaTopology implements Topology {
  private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);

  private final SentinelTopology sentinel;
  private final String version;
  private RedisServer failed;
  private long killedAt;
  private CompletableFuture<Promotion> promotion;
  private volatile boolean faultActive;
  private RoleWatch watch;

  private SentinelHaTopology(SentinelTopology sentinel) {
    this.sentinel = sentinel;
    this.version = sentinel.master().info("server").get("redis_version");
  }

  static SentinelHaTopology start() {
    return new SentinelHaTopology(SentinelTopology.start());
  }

  @Override
  public String describe() {
    return "Sentinel: master + " + (sentinel.dataNodes().size() - 1) + " replicas + " + sentinel.sentinels().size()
        + " sentinels, redis-server " + version + ", down-after " + sentinel.downAfter().toMillis()
        + " ms, asynchronous replication, no persistence; clients connect directly (no proxy, no net faults)";
  }

  @Override
  public List<InetSocketAddress> endpoints() {
    return List.of();
  }

  @Override
  public String clientUri(List<Integer> proxyPorts) {
    return sentinel.uri();
  }

  @Override
  public Set<FaultKind> supportedFaults() {
    Set<FaultKind> kinds = FaultKind.clientSide();
    kinds.add(FaultKind.FAILOVER);
    return kinds;
  }

  @Override
  public Duration healAllowance() {
    return Duration.ofSeconds(6);
  }

  @Override
  public void watchUnplanned(RoleWatch.Sink sink) {
    watch = new RoleWatch(this::roles, () -> faultActive, sink);
  }

  /** Settled when the one data node that says it is master is the one the sentinels name. */
  private RoleWatch.Roles roles() {
    int named = sentinel.master().port();
    List<Integer> masters = RoleWatch.masterPorts(sentinel.dataNodes());
    return new RoleWatch.Roles("sentinels name :" + named + ", role master on " + masters,
        masters.equals(List.of(named)));
  }

  @Override
  public String inject(FaultKind kind, Duration clockStep) {
    requireFailover(kind);
    faultActive = true;
    failed = sentinel.master();
    long pid = failed.pid();
    killedAt = System.nanoTime();
    failed.kill();
    RedisServer old = failed;
    promotion = Promotion.watch(() -> sentinel.awaitFailover(old, FAILOVER_TIMEOUT));
    return "SIGKILL master :" + failed.port() + " (pid " + pid + ")";
  }

  @Override
  public String heal(FaultKind kind) {
    requireFailover(kind);
    Promotion done = promotion.join();
    RedisServer promoted = done.master();
    long promotedAfter = done.at() - killedAt;
    sentinel.restartAsReplica(failed, promoted, FAILOVER_TIMEOUT);
    faultActive = false;
    return String.format("replica :%d promoted %d ms after the kill; old master :%d restarted empty as its"
        + " replica, in sync %d ms after the kill", promoted.port(), promotedAfter / 1_000_000, failed.port(),
        (System.nanoTime() - killedAt) / 1_000_000);
  }

  static void requireFailover(FaultKind kind) {
    if (kind != FaultKind.FAILOVER) {
      throw new IllegalArgumentException(kind.cliName() + " is not supported here");
    }
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    sentinel.close();
  }
}
