package io.holdfast.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * A lock system other than Redis that people run instead of Holdfast (etcd, ZooKeeper), measured with its own
 * server, which the harness starts ({@link ExternalServer}) on first use and stops in {@link #close}, as it does
 * the lock service. The server's CPU time is reported as the contender's service CPU, beside Redis's (idle for
 * these contenders: its column then shows only the harness's noise) and the clients'.
 *
 * <p>When the server is not installed the contender is {@link #unavailable()}: the run skips it with a note and
 * does not fail. Why it is safe to share: the server is started under this object's lock and its client instances
 * share nothing but its port.
 */
abstract class ExternalContender implements Contender {
  /** The workloads these contenders run: the cycle workloads and the fleet, as the lock service does. */
  static final Set<String> WORKLOADS = Set.of("uncontended", "contended", "fleet");

  private final String name;
  private final String tag;
  private final Optional<String> missing;
  private final Path dataParent;
  private final Path log;
  private ExternalServer server;

  /**
   * @param name the contender's name
   * @param tag its two letters in lock names
   * @param missing why the server cannot run here, or empty when it can
   * @param dataParent where the server's fresh data directory is made
   * @param outDir the run's output directory, where the server's output goes ({@code <name>.log})
   */
  ExternalContender(String name, String tag, Optional<String> missing, Path dataParent, Path outDir) {
    this.name = name;
    this.tag = tag;
    this.missing = missing;
    this.dataParent = dataParent;
    this.log = outDir.resolve(name + ".log");
  }

  /** The reason a required file is missing, or empty when it is there. */
  static Optional<String> missingFile(Path file, String what, String hint) {
    return Files.exists(file) ? Optional.empty() : Optional.of("no " + what + " at " + file + "; " + hint);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String tag() {
    return tag;
  }

  /** Both systems' locks grant in the order of a number that only grows (etcd's revision, the znode sequence). */
  @Override
  public final boolean fencing() {
    return true;
  }

  /** None: these contenders keep nothing in Redis; the name is returned for the interface's sake. */
  @Override
  public final String redisKey(String lockName) {
    return lockName;
  }

  @Override
  public final boolean runs(String workload) {
    return WORKLOADS.contains(workload);
  }

  @Override
  public final Optional<String> unavailable() {
    return missing;
  }

  @Override
  public final Locker connect(LockerSpec spec) {
    return connect(spec, server().port());
  }

  /** Makes one client instance of the server listening on {@code port} of 127.0.0.1. */
  abstract Locker connect(LockerSpec spec, int port);

  /** The server's command line, for {@link ExternalServer#start}. */
  abstract ExternalServer.Command command();

  @Override
  public final synchronized Optional<Duration> serviceCpu() {
    return server == null ? Optional.empty() : server.cpu();
  }

  private synchronized ExternalServer server() {
    if (missing.isPresent()) {
      throw new IllegalStateException(name + " cannot run: " + missing.get());
    }
    if (server == null) {
      server = ExternalServer.start(name, dataParent, log, command());
    }
    return server;
  }

  @Override
  public final synchronized void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
