package io.holdfast.bench;

import java.time.Duration;
import java.util.Optional;

/**
 * One lock implementation under test. A contender holds no state but a service it may start for its instances
 * (see {@link #close}); each {@link #connect} makes a separate client instance with its own connections, as a
 * separate process of an application would have.
 */
interface Contender extends AutoCloseable {
  /** The token of a contender that has no fencing tokens. */
  long NO_TOKEN = -1;

  /** Short name used in tables, file names and lock names, such as {@code holdfast}. */
  String name();

  /**
   * Two letters that stand for the contender in lock names: equal lengths keep key sizes, and so the memory
   * per lock, comparable.
   */
  String tag();

  /** Whether grants carry fencing tokens, so that the harness checks they increase. */
  boolean fencing();

  /** The Redis key the contender stores a held lock under, for key counts after a workload. */
  String redisKey(String lockName);

  /**
   * Makes one client instance.
   *
   * @param spec where to connect and the lease TTL its locks get
   * @return the instance; the caller closes it
   */
  Locker connect(LockerSpec spec);

  /**
   * Whether the contender takes part in a workload; all do by default.
   *
   * @param workload a name from {@link BenchConfig#WORKLOADS}
   * @return false to leave it out of that workload
   */
  default boolean runs(String workload) {
    return true;
  }

  /**
   * Why the contender cannot run on this machine (its server is not installed), or empty when it can (the
   * default). A run skips an unavailable contender with this reason as a note, and does not fail.
   */
  default Optional<String> unavailable() {
    return Optional.empty();
  }

  /**
   * CPU time used so far by the service this contender runs in a process of its own, read around each measured
   * slice and reported apart from the harness's (client) CPU time.
   *
   * @return user + system time of the service process, or empty when the contender runs no service (the
   *     default) or its platform does not report it
   */
  default Optional<Duration> serviceCpu() {
    return Optional.empty();
  }

  /**
   * Stops whatever the contender shares between its instances (a service it started), before a workload it
   * takes no part in and at the end of the run; the next {@link #connect} starts it anew. Nothing by default.
   */
  @Override
  default void close() { }
}
