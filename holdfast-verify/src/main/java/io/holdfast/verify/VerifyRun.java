package io.holdfast.verify;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/*
 * One run, start to finish: start Redis (or use the given one), with --target service the lock service instances
 * over it, the hub and fenced resource, the client JVMs behind their proxies and the fault scheduler; let the
 * workload run for the duration (the last part without faults); stop the clients; then check the recorded history
 * and write the report next to it. Everything started here is stopped here, also on failure.
 */
final class VerifyRun {
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  private final RunConfig config;
  private final PrintWriter progress;

  VerifyRun(RunConfig config, PrintWriter progress) {
    this.config = config;
    this.progress = progress;
  }

  /**
   * The checkers of every run, C1 to C6. Only C6's bound depends on the target: through the service a lock freed
   * by its session's expiry stays ungrantable for the lock-delay.
   */
  static List<Checker> checkers(Duration ttl, Duration lockDelay, Duration livenessSlack,
      long linearizabilityBudget) {
    return List.of(new FencedSafetyChecker(), new TokenOrderChecker(), new LeaseOverlapChecker(ttl),
        new LinearizabilityChecker(ttl, linearizabilityBudget), new StaleSuccessChecker(ttl),
        new LivenessChecker(ttl, lockDelay, livenessSlack));
  }

  /**
   * The checkers of a workload: every run's for the lock and the election; for the read/write lock and the
   * semaphore C1 (fenced writes), C2 (tokens) and their own C3 (HolderExclusionChecker). C4's model and C5's
   * "a larger token ended the lease" are the mutex's, and C6 needs a lock that one holder blocks, so they do not
   * apply to holders that share a name.
   */
  static List<Checker> checkers(Workload workload, Duration lockDelay, Duration livenessSlack,
      long linearizabilityBudget) {
    if (workload.isReadWrite() || workload.isSemaphore()) {
      return List.of(new FencedSafetyChecker(), new TokenOrderChecker(),
          new HolderExclusionChecker(workload.ttl(), workload.isReadWrite()));
    }
    if (workload.isFair()) {
      return fairCheckers(workload.ttl(), lockDelay, livenessSlack, linearizabilityBudget);
    }
    return checkers(workload.ttl(), lockDelay, livenessSlack, linearizabilityBudget);
  }

  /*
   * The fair lock's: the mutex's six, and C7 for the order. C4 leaves failed acquires out (a fair lock refuses a
   * free lock to all but the head of its line). C6 allows one more TTL: the workload's waiters keep their place for
   * two re-check intervals (two TTLs) after their last attempt, so the waiters of a killed or frozen client can hold
   * up the line one TTL longer than its holder's lease.
   */
  private static List<Checker> fairCheckers(Duration ttl, Duration lockDelay, Duration livenessSlack,
      long linearizabilityBudget) {
    return List.of(new FencedSafetyChecker(), new TokenOrderChecker(), new LeaseOverlapChecker(ttl),
        new LinearizabilityChecker(ttl, linearizabilityBudget, true), new StaleSuccessChecker(ttl),
        new LivenessChecker(ttl, lockDelay.plus(ttl), livenessSlack), new FifoChecker());
  }

  Report run() throws InterruptedException {
    Path dir = createDirectories(config.outputDir());
    Recorder recorder = Recorder.toFile(dir.resolve("history.jsonl.gz"));
    Holdings holdings = new Holdings();
    AtomicLong acquisitions = new AtomicLong();
    recorder.observe(holdings::accept);
    recorder.observe(e -> countAcquisition(e, acquisitions));
    FencedResource resource = new FencedResource(recorder, config.ignoreFencing());
    String topologyText;
    String lockText;
    List<FaultKind> injectable;
    Hub hub = new Hub(recorder, resource);
    try (recorder; hub; Topology topology = openTopology(dir);
         ServiceFleet services = config.target().isService() ? ServiceFleet.start(config, topology.directUri(), dir)
             : null;
         ClientFleet fleet = new ClientFleet(config, hub, services != null ? services : topology, dir)) {
      topology.watchUnplanned((from, to, note) -> recordUnplanned(recorder, from, to, note));
      topologyText = topology.describe();
      lockText = describeLock(services);
      progress.printf("verify: %s; output in %s%n", topologyText, dir);
      fleet.start();
      // The run's clock starts once every client is up: JVM start-up must not eat into the workload's time.
      long started = recorder.now();
      Nemesis nemesis = new Nemesis(config, topology, Optional.ofNullable(services), fleet, holdings, recorder, hub,
          started);
      injectable = nemesis.kinds();
      Thread faults = new Thread(nemesis, "verify-nemesis");
      faults.start();
      waitOut(recorder, acquisitions, started);
      nemesis.stop();
      faults.join();
      fleet.stop(config.workload().maxWait().plus(Duration.ofSeconds(10)));
    }
    return check(recorder.history(), topologyText, lockText, injectable, hub, dir);
  }

  private String describeLock(ServiceFleet services) {
    if (config.workload().isTiny()) {
      return "TinyLock negative control, flaw " + config.workload().flaw();
    }
    String client = "Holdfast" + electionText() + holdersText() + fairText()
        + ", operation timeout ttl/2, retry budget 2 ttl, re-check every ttl";
    return services == null ? client + "; " + config.target().describe(config.workload().ttl())
        : client + "; " + services.describe();
  }

  /* The primitive, when it is not the plain lock; for an election C2 checks its terms, C3 its leaders' overlap. */
  private String electionText() {
    if (!config.workload().isElection()) {
      return "";
    }
    return config.workload().lock().equals(Workload.ELECTION_LOCAL_TERMS)
        ? " election NEGATIVE CONTROL (terms numbered by each client, not the grant's fencing token)"
        : " election (campaign, fenced writes under the term, resign; C2 checks one leader per term and increasing"
            + " terms, C3 one leader at a time)";
  }

  /* The read/write lock or the semaphore, and what C3 holds it to; empty for the other primitives. */
  private String holdersText() {
    Workload workload = config.workload();
    if (workload.isReadWrite()) {
      return workload.isHolderControl() ? " read/write lock NEGATIVE CONTROL (writers take the read side)"
          : " read/write lock (a quarter of the owners write; C3 checks that no writer overlaps another holder)";
    }
    if (workload.isSemaphore()) {
      return workload.isHolderControl() ? " semaphore NEGATIVE CONTROL (the handle admits "
          + HolderKinds.PERMITS * 50 + " holders)" : " semaphore of " + HolderKinds.PERMITS
          + " permits (C3 checks at most " + HolderKinds.PERMITS + " holders at once)";
    }
    return "";
  }

  /* The fair lock, and what C7 holds it to; empty for the other primitives. */
  private String fairText() {
    if (!config.workload().isFair()) {
      return "";
    }
    return config.workload().lock().equals(Workload.FAIR_BARGING)
        ? " fair lock NEGATIVE CONTROL (after each busy answer in line, the waiter tries the plain lock: barging)"
        : " fair lock (C7 checks that no grant passes a waiter that stayed in line ahead of it)";
  }

  /* Each checker's time on the progress stream: at a million acquisitions the check is minutes, not seconds. */
  private CheckResult timed(Checker checker, History history) {
    long start = System.nanoTime();
    CheckResult result = checker.check(history);
    progress.printf("verify: %s checked in %.1f s%n", result.id(), (System.nanoTime() - start) / 1e9);
    return result;
  }

  private Report check(History history, String topologyText, String lockText, List<FaultKind> injectable,
      Hub hub, Path dir) {
    progress.printf("verify: checking %d events%n", history.events().size());
    List<CheckResult> results = checkers(config.workload(), config.target().lockDelay(),
        config.livenessSlack(), config.linearizabilityBudget()).stream()
        .map(checker -> timed(checker, history)).toList();
    Report report = new Report(config, topologyText, lockText, injectable, history, results,
        hub.worstUncertaintyNanos(), hub.clockContradictions());
    try {
      Files.writeString(dir.resolve("report.txt"), report.render());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + dir, e);
    }
    return report;
  }

  private Topology openTopology(Path dir) {
    if (config.redis() != null) {
      return new ExternalTopology(config.redis());
    }
    return switch (config.topology()) {
      case STANDALONE -> StandaloneTopology.start(dir, config.faults().contains(FaultKind.REDIS_CLOCK),
          config.fsync());
      case SENTINEL -> SentinelHaTopology.start();
      case CLUSTER -> ClusterHaTopology.start(config.workload().locks(), config.seed());
      case QUORUM -> QuorumTopology.start(config.masters(), config.fsync(), config.seed());
    };
  }

  /** A failover nobody injected, as a fault of the "watch" process (the nemesis pairs its own events). */
  private static void recordUnplanned(Recorder recorder, long fromNanos, long toNanos, String note) {
    String kind = FaultKind.FAILOVER.cliName();
    recorder.record(new Event(0, 0, "watch", Event.Type.INVOKE, Event.Op.FAULT, kind, "unplanned", 0, 0, note),
        recorder.fromNanoTime(fromNanos));
    recorder.record(new Event(0, 0, "watch", Event.Type.OK, Event.Op.FAULT, kind, "unplanned", 0, 0, ""),
        recorder.fromNanoTime(toNanos));
  }

  private void waitOut(Recorder recorder, AtomicLong acquisitions, long started) {
    long end = started + config.duration().toNanos();
    long nextProgress = started + PROGRESS_EVERY.toNanos();
    for (long now = recorder.now(); now < end; now = recorder.now()) {
      LockSupport.parkNanos(Math.min(end - now, nextProgress - now));
      if (recorder.now() >= nextProgress) {
        progress.printf("verify: %3d s  %d acquisitions, %d events%n", (nextProgress - started) / 1_000_000_000L,
            acquisitions.get(), recorder.size());
        nextProgress += PROGRESS_EVERY.toNanos();
      }
    }
  }

  private static void countAcquisition(Event e, AtomicLong acquisitions) {
    if (e.op() == Event.Op.ACQUIRE && e.type() == Event.Type.OK) {
      acquisitions.incrementAndGet();
    }
  }

  private static Path createDirectories(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }
}
