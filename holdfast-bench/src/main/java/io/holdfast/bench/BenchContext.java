package io.holdfast.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * What every workload needs: the server, the probe, sizes, the violation log and where to print progress.
 *
 * @param redisUri the server the contenders connect to
 * @param probe the harness's own connection
 * @param scale sizes and durations
 * @param violations correctness failures seen so far
 * @param console progress lines
 * @param runId prefix of every lock name, so that runs and contenders never share a key
 * @param notes remarks for the report (errors seen, skipped contenders); a synchronized list
 * @param privateServer whether the harness started the server itself, and so may empty it between
 *     measurements
 */
record BenchContext(String redisUri, RedisProbe probe, Scale scale, Violations violations, PrintWriter console,
    String runId, List<String> notes, boolean privateServer) {

  /** A lock name private to this run, contender and workload. */
  String lockName(Contender contender, String workload, Object suffix) {
    return runId + ":" + contender.tag() + ":" + workload + ":" + suffix;
  }

  LockerSpec spec(String instance, Duration ttl, boolean lean) {
    return new LockerSpec(redisUri, runId + "-" + instance, ttl, lean);
  }

  void progress(String line) {
    console.println("  " + line);
  }

  /** Adds a remark to the report and prints it. */
  void note(String remark) {
    notes.add(remark);
    console.println("  note: " + remark);
  }
}
