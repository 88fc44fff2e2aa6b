package io.holdfast.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one benchmark run does. Validated when made, with the bad value in the message.
 *
 * @param redisUri the Redis server to use, or empty to start a private {@code redis-server} (from PATH, else the
 *     one shipped in the test kit); a given server must be one nobody else is using, since the harness reads
 *     its global counters (INFO commandstats, used_memory)
 * @param outDir where results.json, results.csv, results.md and the SVG charts go
 * @param profile how long and large the run is
 * @param workloads which workloads run, in this order; names from {@link #WORKLOADS}
 * @param contenders which contenders run; names from {@link #CONTENDERS}
 */
public record BenchConfig(Optional<String> redisUri, Path outDir, Profile profile, List<String> workloads,
    List<String> contenders) {

  /**
   * Every workload, in the order of issue 5, after the machine's ceilings; then issue 12's read/write lock and
   * semaphore (right after the fleet, so that the service contender runs on without a restart) and its saturated
   * fleet.
   */
  public static final List<String> WORKLOADS =
      List.of("ceilings", "uncontended", "contended", "renewal", "memory", "fleet", "rwlock", "semaphore",
          "saturated");
  /**
   * Every contender available in this module. The last four need their servers installed (Debian's
   * {@code etcd-server} and {@code zookeeper}); a run skips those that are not, with a note.
   */
  public static final List<String> CONTENDERS =
      List.of("holdfast", "holdfast-service", "redisson", "redisson-fenced", "raw", "holdfast-fair",
          "etcd", "etcd-tmpfs", "zookeeper", "zookeeper-nosync");
  /** The default output directory, relative to the working directory. */
  public static final Path DEFAULT_OUT = Path.of("target", "bench");

  /**
   * Validates the configuration.
   *
   * @throws IllegalArgumentException on an unknown workload or contender, an empty selection, or a URI that is
   *     not {@code redis://}
   */
  public BenchConfig {
    Objects.requireNonNull(redisUri, "redisUri");
    Objects.requireNonNull(outDir, "outDir");
    Objects.requireNonNull(profile, "profile");
    workloads = known(workloads, WORKLOADS, "workload");
    contenders = known(contenders, CONTENDERS, "contender");
    redisUri.ifPresent(uri -> {
      if (!uri.startsWith("redis://")) {
        throw new IllegalArgumentException("--redis must be a redis://host:port URI, was '" + uri + "'");
      }
    });
  }

  /**
   * The full run on a private server, every workload and contender, results in {@link #DEFAULT_OUT}.
   *
   * @return the default configuration
   */
  public static BenchConfig defaults() {
    return new BenchConfig(Optional.empty(), DEFAULT_OUT, Profile.FULL, WORKLOADS, CONTENDERS);
  }

  private static List<String> known(List<String> names, List<String> allowed, String what) {
    Objects.requireNonNull(names, what + "s");
    if (names.isEmpty()) {
      throw new IllegalArgumentException("at least one " + what + " must be selected");
    }
    for (String name : names) {
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException("unknown " + what + " '" + name + "'; choose from " + allowed);
      }
    }
    return List.copyOf(names);
  }
}
