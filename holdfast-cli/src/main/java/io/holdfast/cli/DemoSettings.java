package io.holdfast.cli;

import java.time.Duration;

/*
 * The validated settings of one demo run. DemoCommand checks every value against the command line (so that the
 * error names the option); this record only derives what the nodes need from them.
 *
 * backend: the URI every node connects to; runId: tells this run's lock names apart from earlier runs on the
 * same Redis, whose crashed leases may still be held.
 */
record DemoSettings(
    String backend,
    String runId,
    int nodes,
    int locks,
    Duration duration,
    Duration ttl,
    double crashRate,
    double stallRate,
    long seed) {

  /* Long enough to ride out one crashed holder's TTL, short enough that a node keeps cycling when contended. */
  Duration acquireWait() {
    return ttl.multipliedBy(2);
  }

  String lockName(int index) {
    return "demo/" + runId + "/lock-" + index;
  }

  /*
   * The pause between the writes of a hold: short against the TTL, so that a hold that neither crashes nor
   * stalls finishes long before its lease needs renewal, whatever --ttl is.
   */
  long maxWritePauseMillis() {
    return Math.max(1, Math.min(5, ttl.toMillis() / 20));
  }
}
