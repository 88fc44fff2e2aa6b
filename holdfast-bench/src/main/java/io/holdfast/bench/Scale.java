package io.holdfast.bench;

import java.time.Duration;
import java.util.List;

/**
 * How big and how long each workload runs; one of these per {@link Profile}.
 *
 * @param warmup unmeasured time each contender runs a cycle workload before its first measured slice
 * @param slice one measured slice; contenders take turns, one slice each per round
 * @param rounds measured slices per contender and variant
 * @param uncontendedWorkers worker counts of the uncontended workload, one instance each
 * @param contendedWorkers workers of the contended workload
 * @param contendedInstances client instances they are spread over
 * @param contendedLocks lock counts of the contended workload
 * @param renewalCounts how many leases one client holds in the renewal workload
 * @param renewalTtl their TTL (renewal every third of it)
 * @param renewalWindow how long renewal traffic is measured
 * @param memoryHeld locks held at once in the memory workload
 * @param residueNames distinct names acquired and released for the residue measurement
 * @param memoryQuiet how long the server is left alone before each memory reading
 * @param fleetSizes client instances of each fleet variant, one worker each
 * @param fleetRate acquire+release cycles per second each fleet node aims for
 * @param fleetWindow how long the fleet is measured (after a warm-up as long as {@code warmup})
 * @param ceilingWindow how long each raw ceiling is measured
 */
record Scale(
    Duration warmup,
    Duration slice,
    int rounds,
    List<Integer> uncontendedWorkers,
    int contendedWorkers,
    int contendedInstances,
    List<Integer> contendedLocks,
    List<Integer> renewalCounts,
    Duration renewalTtl,
    Duration renewalWindow,
    int memoryHeld,
    int residueNames,
    Duration memoryQuiet,
    List<Integer> fleetSizes,
    int fleetRate,
    Duration fleetWindow,
    Duration ceilingWindow) {

  Scale {
    uncontendedWorkers = List.copyOf(uncontendedWorkers);
    contendedLocks = List.copyOf(contendedLocks);
    renewalCounts = List.copyOf(renewalCounts);
    fleetSizes = List.copyOf(fleetSizes);
    if (rounds < 1 || contendedInstances < 1 || contendedWorkers < contendedInstances || fleetSizes.isEmpty()
        || fleetSizes.stream().anyMatch(nodes -> nodes < 1)) {
      throw new IllegalArgumentException("inconsistent scale: " + this);
    }
  }

  /** The renewal period every contender is configured for: a third of the TTL. */
  Duration renewalPeriod() {
    return renewalTtl.dividedBy(3);
  }
}
