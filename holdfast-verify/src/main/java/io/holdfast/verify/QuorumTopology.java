package io.holdfast.verify;

import io.holdfast.testkit.redis.IndependentMasters;
import io.holdfast.testkit.redis.RedisServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/*
 * Independent masters (redis-quorum://, the Redlock scheme): 3 or 5 redis-servers that know nothing of each other,
 * each with an append-only file written before every reply, as the standalone topology's. Clients name every
 * master in their URI, so each client gets one proxy per master and the network faults hit all of them at once.
 *
 * Redis-side faults hit a minority (1 to (n-1)/2 masters, chosen by the seed), never a majority, which would
 * only make grants fail:
 *   failover       SIGKILL them, restart them without their data (Redlock's restart without persistence or
 *                  delay): a lease granted by a bare majority that included one of them can be granted again, so
 *                  the checkers treat it as redis-wipe;
 *   redis-restart  the same, restarted from the append-only file: nothing acknowledged is lost;
 *   redis-pause    SIGSTOP them, then SIGCONT.
 * Restarting with and without data are two kinds so that the checkers explain overlaps only after real loss.
 */
final class QuorumTopology implements Topology {
  private final IndependentMasters masters;
  private final String fsync;
  private final Random random;
  private final String version;
  private List<RedisServer> hit = List.of();

  private QuorumTopology(IndependentMasters masters, String fsync, long seed) {
    this.masters = masters;
    this.fsync = fsync;
    this.random = new Random(seed ^ 0x0A0A5L);
    this.version = masters.master(0).info("server").get("redis_version");
  }

  static QuorumTopology start(int count, String fsync, long seed) {
    return new QuorumTopology(IndependentMasters.start(count,
        RedisServer.builder().persistence(true).arg("--appendfsync", fsync)), fsync, seed);
  }

  @Override
  public String describe() {
    return masters.masters().size() + " independent masters (redis-quorum://), redis-server " + version
        + ", append-only file written before each reply, appendfsync " + fsync + ", on "
        + masters.masters().stream().map(m -> ":" + m.port()).collect(Collectors.joining(","))
        + "; each client behind one proxy per master";
  }

  @Override
  public List<InetSocketAddress> endpoints() {
    return masters.masters().stream().map(m -> new InetSocketAddress(m.host(), m.port())).toList();
  }

  @Override
  public String clientUri(List<Integer> proxyPorts) {
    return "redis-quorum://" + proxyPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  @Override
  public Set<FaultKind> supportedFaults() {
    Set<FaultKind> kinds = FaultKind.clientSide();
    kinds.addAll(FaultKind.network());
    kinds.addAll(EnumSet.of(FaultKind.FAILOVER, FaultKind.REDIS_RESTART, FaultKind.REDIS_PAUSE));
    return kinds;
  }

  @Override
  public String inject(FaultKind kind, Duration clockStep) {
    hit = minority();
    String pids = hit.stream().map(m -> ":" + m.port() + " (pid " + m.pid() + ")").collect(Collectors.joining(", "));
    switch (kind) {
      case REDIS_PAUSE -> hit.forEach(RedisServer::pause);
      case REDIS_RESTART, FAILOVER -> hit.forEach(RedisServer::kill);
      default -> throw new IllegalArgumentException(kind.cliName() + " is not supported on independent masters");
    }
    return (kind == FaultKind.REDIS_PAUSE ? "SIGSTOP " : "SIGKILL ") + hit.size() + " of "
        + masters.masters().size() + " masters: " + pids;
  }

  @Override
  public String heal(FaultKind kind) {
    switch (kind) {
      case REDIS_PAUSE -> hit.forEach(RedisServer::resume);
      case REDIS_RESTART -> hit.forEach(RedisServer::start);
      case FAILOVER -> hit.forEach(m -> {
        StandaloneTopology.wipe(m.workingDirectory());
        m.start();
      });
      default -> throw new IllegalArgumentException(kind.cliName() + " is not supported on independent masters");
    }
    return switch (kind) {
      case REDIS_PAUSE -> "SIGCONT";
      case REDIS_RESTART -> "restarted from the append-only file";
      default -> "restarted without data";
    };
  }

  private List<RedisServer> minority() {
    List<RedisServer> shuffled = new ArrayList<>(masters.masters());
    Collections.shuffle(shuffled, random);
    int count = 1 + random.nextInt((shuffled.size() - 1) / 2);
    return List.copyOf(shuffled.subList(0, count));
  }

  @Override
  public void close() {
    masters.close();
  }
}
