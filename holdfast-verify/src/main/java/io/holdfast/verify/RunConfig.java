package io.holdfast.verify;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Everything that defines a run; printed at the top of its report so the run can be repeated.
 *
 * @param duration how long the workload runs, quiet period included
 * @param quiet the fault-free period at the end, in which every fault is healed and the system must settle
 * @param clients how many client JVMs run at a time (a killed one is replaced)
 * @param seed the seed of the fault schedule and of every worker's random choices
 * @param faults the fault kinds to inject
 * @param topology what to start: one server, Sentinel, Cluster or independent masters
 * @param masters how many independent masters the quorum topology starts (3 or more, odd)
 * @param redis an external Redis to use (standalone only), or null to start our own
 * @param fsync the appendfsync policy of our own Redis: {@code no} or {@code always}
 * @param workload what the clients do
 * @param livenessSlack the slack of C6 on top of TTL + lock-delay
 * @param ignoreFencing a negative control: the resource accepts every write
 * @param outputDir where the history, the report and the client logs go
 * @param linearizabilityBudget the search step budget of C4, per lock
 * @param target what the clients lock through: the library on Redis, or lock service instances over it
 */
record RunConfig(Duration duration, Duration quiet, int clients, long seed, Set<FaultKind> faults,
    TopologyKind topology, int masters, URI redis, String fsync, Workload workload, Duration livenessSlack,
    boolean ignoreFencing, Path outputDir, long linearizabilityBudget, Target target) {

  RunConfig {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(outputDir, "outputDir");
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(target, "target");
    faults = Set.copyOf(faults);
    if (clients < 1) {
      throw new IllegalArgumentException("clients must be at least 1, was " + clients);
    }
    if (!fsync.equals("no") && !fsync.equals("always")) {
      throw new IllegalArgumentException("fsync must be 'no' or 'always', was '" + fsync + "'");
    }
    if (redis != null && topology != TopologyKind.STANDALONE) {
      throw new IllegalArgumentException("--redis names one server; it cannot be combined with topology "
          + topology.cliName());
    }
    if (masters < 3 || masters % 2 == 0 || masters > 9) {
      throw new IllegalArgumentException("masters must be 3, 5, 7 or 9, was " + masters);
    }
    if (target.isService() && workload.isTiny()) {
      throw new IllegalArgumentException("the negative-control lock " + workload.lock() + " talks to Redis itself;"
          + " it cannot run through the lock service");
    }
    if (quiet.compareTo(duration) >= 0) {
      throw new IllegalArgumentException("quiet period " + quiet + " must be shorter than the run " + duration);
    }
  }

  /** The default quiet period: three TTLs, so every lease a fault disturbed has expired and been retaken. */
  static Duration defaultQuiet(Duration ttl) {
    return ttl.multipliedBy(3);
  }

  RunConfig withIgnoreFencing(boolean value) {
    return new RunConfig(duration, quiet, clients, seed, faults, topology, masters, redis, fsync, workload,
        livenessSlack, value, outputDir, linearizabilityBudget, target);
  }

  RunConfig withTopology(TopologyKind kind) {
    return new RunConfig(duration, quiet, clients, seed, faults, kind, masters, redis, fsync, workload,
        livenessSlack, ignoreFencing, outputDir, linearizabilityBudget, target);
  }

  RunConfig withTarget(Target value) {
    return new RunConfig(duration, quiet, clients, seed, faults, topology, masters, redis, fsync, workload,
        livenessSlack, ignoreFencing, outputDir, linearizabilityBudget, value);
  }
}
