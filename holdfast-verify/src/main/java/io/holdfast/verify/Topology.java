package io.holdfast.verify;

import java.time.Duration;
import java.util.Set;

/*
 * Where the locks live, and the faults it can suffer. Each implementation declares every fault kind it supports
 * (the client-side ones always; the network ones only when each client can be put behind its own proxies; the
 * Redis-side ones it can inject and heal), and the fault scheduler picks only among those. Methods are called
 * from the fault scheduler's thread only, except describe and the ClientEndpoints methods, which only read.
 *
 *   standalone  its own redis-server (StandaloneTopology)
 *   external    a Redis given with --redis, no Redis-side faults (ExternalTopology)
 *   sentinel    master, 2 replicas, 3 sentinels (SentinelHaTopology)
 *   cluster     3 masters, 3 replicas (ClusterHaTopology)
 *   quorum      3 or 5 independent masters, the Redlock scheme (QuorumTopology)
 */
interface Topology extends ClientEndpoints, AutoCloseable {

  /** One line for the report: kind, Redis version, persistence, addresses. */
  String describe();

  /** Every fault kind this topology can suffer. */
  Set<FaultKind> supportedFaults();

  /** How much longer than its hold a Redis-side fault may take to heal (a failover waits for a promotion). */
  default Duration healAllowance() {
    return Duration.ZERO;
  }

  /**
   * Starts reporting failovers the checker did not inject (Sentinel and Cluster fail over on their own when a
   * master is slow to answer), so that the checkers can account for the leases they lose; see RoleWatch. The
   * watch ends with {@link #close()}. Topologies without replication report nothing.
   */
  default void watchUnplanned(RoleWatch.Sink sink) {
    // Nothing can fail over by itself.
  }

  /**
   * Injects a Redis-side fault.
   *
   * @param kind one of {@link #supportedFaults()} that {@linkplain FaultKind#targetsRedis() targets Redis}
   * @param clockStep for {@link FaultKind#REDIS_CLOCK}, the step; ignored otherwise
   * @return a note for the history (what exactly was done)
   */
  String inject(FaultKind kind, Duration clockStep);

  /**
   * Heals a fault injected by {@link #inject}: resume, restart, step the clock back; after a failover, waits for
   * the promotion and brings the failed node back. Returns once the topology is whole again.
   *
   * @return a note for the history
   */
  String heal(FaultKind kind);

  @Override
  void close();
}
