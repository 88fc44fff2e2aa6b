package io.holdfast.verify;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code holdfast verify}: runs client JVMs against Redis (or, with {@code --target service}, through lock service
 * instances over it) while injecting real faults, records every operation, and checks the history for safety
 * violations. With no options it starts its own redis-server and runs a short
 * mixed-fault run. The report ends with {@code violations: N} (C1 + C2 + C5); the exit code is 0 when N is 0,
 * 1 otherwise, 2 for bad options.
 *
 * <p>Register it as a subcommand of the {@code holdfast} command ({@code subcommands = {..., VerifyCommand.class}})
 * or run it alone with {@link VerifyMain}.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Checks Holdfast's safety under injected faults, Jepsen-style.",
        "",
        "Client JVMs loop acquire -> fenced writes -> release over a few locks while the checker pauses and kills"
            + " them, pauses, crashes and wipes Redis, fails over Sentinel, Cluster or independent masters, steps"
            + " clocks and delays or cuts the network (with --target service also through lock service instances,"
            + " which it pauses and kills too). Every operation"
            + " goes to a history (history.jsonl.gz), which six checkers examine: C1 fenced safety, C2 token"
            + " uniqueness and order, C3 lease overlap, C4 linearizability, C5 no success after loss, C6 liveness;"
            + " with --primitive fair also C7, grants in the order of the line Redis keeps.",
        "",
        "Exit code: 0 without violations (C1+C2+C5; C1+C2+C3 for rwlock and semaphore; C1+C2+C5+C7 for fair), 1"
            + " with, 2 on bad options."},
    footer = {"", "Examples:",
        "  holdfast verify",
        "  holdfast verify --duration 15m --threads 6 --locks 48 --seed 301",
        "  holdfast verify --target service --faults service-kill,client-pause",
        "  holdfast verify --primitive fair --duration 60s --seed 1401"})
public final class VerifyCommand implements Callable<Integer> {
  static final String DEFAULT_FAULTS = "client-pause,client-kill,client-clock,net-delay,net-cut,redis-pause,"
      + "redis-restart,redis-wipe,failover,service-pause,service-kill";

  @Spec
  CommandSpec spec;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
      description = "How long the workload runs, quiet period included (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--clients", paramLabel = "N", defaultValue = "4", description = "Client JVMs (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "4", description = "Workers per client (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--locks", paramLabel = "N", defaultValue = "6", description = "Lock names (default: ${DEFAULT-VALUE}).")
  int locks;

  @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
      description = "Lease TTL (default: ${DEFAULT-VALUE}).")
  Duration ttl;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the fault schedule and the workload (default: random).")
  Long seed;

  @Option(names = "--faults", paramLabel = "KIND", defaultValue = DEFAULT_FAULTS, split = ",",
      description = "Fault kinds, or 'all' or 'none' (default: ${DEFAULT-VALUE}; also redis-clock, which needs"
          + " libfaketime). Kinds the topology cannot suffer are skipped (see --topology).")
  List<String> faults;

  @Option(names = "--redis", paramLabel = "URI",
      description = "Use this single Redis server instead of starting one (standalone topology only; no"
          + " Redis-side faults then).")
  URI redis;

  @Option(names = "--fsync", paramLabel = "no|always", defaultValue = "no",
      description = "appendfsync of the Redis we start: no or always. Either way Redis writes its append-only file"
          + " before replying, so a process crash loses nothing acknowledged (default: ${DEFAULT-VALUE}).")
  String fsync;

  @Option(names = "--topology", defaultValue = "standalone", paramLabel = "standalone|sentinel|cluster|quorum",
      description = {
          "What to start (default: ${DEFAULT-VALUE}); fault kinds a topology cannot suffer are skipped:",
          "  standalone  one redis-server: client-*, net-*, redis-pause, redis-restart, redis-wipe (and"
              + " redis-clock with libfaketime).",
          "  sentinel    master + 2 replicas + 3 sentinels (down-after 1 s): client-*, failover (SIGKILL the"
              + " master, wait for the promotion, restart it as a replica). No net-*: clients reach the"
              + " servers at the addresses the sentinels hand out, so no per-client proxy can sit in between.",
          "  cluster     3 masters + 3 replicas (node timeout 2 s): client-*, failover (SIGKILL a master owning"
              + " slots of the workload's locks, wait for its replica to take over, restart it as a replica)."
              + " No net-*, as for sentinel.",
          "  quorum      --masters independent masters (redis-quorum://), each client behind one proxy per"
              + " master: client-*, net-*, failover (SIGKILL a minority, restart it without data),"
              + " redis-restart (the same, restarted from its append-only file), redis-pause (a minority).",
          "A failover can lose grants not yet replicated (or, on quorum, held by a wiped master): C3, C4 and C5"
              + " treat it as they treat redis-wipe."})
  String topology;

  @Option(names = "--target", defaultValue = "library", paramLabel = "library|service",
      description = {
          "What the clients lock through (default: ${DEFAULT-VALUE}):",
          "  library  holdfast-redis on the topology's Redis (redis://, redis-sentinel://, ...).",
          "  service  2 holdfast-server instances (a JVM each) over that Redis; clients use holdfast:// to both,"
              + " sessions of 2 TTL, lock-delay 1 TTL. Adds service-pause and service-kill; net-* then act on"
              + " each client's links to the instances (so also on Sentinel and Cluster)."})
  String target;

  @Option(names = "--service-session-ttl", converter = DurationConverter.class, hidden = true,
      description = "Negative control knob: the service's session TTL (default: 2 TTL).")
  Duration serviceSessionTtl;

  @Option(names = "--service-lock-delay", converter = DurationConverter.class, hidden = true,
      description = "Negative control knob: the service's lock-delay (default: 1 TTL; below the TTL breaks the"
          + " lease model).")
  Duration serviceLockDelay;

  @Option(names = "--masters", paramLabel = "3|5", defaultValue = "3",
      description = "Independent masters of the quorum topology: 3 or 5 (default: ${DEFAULT-VALUE}).")
  int masters;

  @Option(names = "--quiet-period", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Fault-free period at the end, for the liveness check (default: 3 TTL).")
  Duration quiet;

  @Option(names = "--liveness-slack", paramLabel = "DURATION", defaultValue = "500ms", converter = DurationConverter.class,
      description = "C6 slack on top of TTL + lock-delay (default: ${DEFAULT-VALUE}).")
  Duration slack;

  @Option(names = "--out", paramLabel = "DIR",
      description = {"Output directory; by default, printed when the run starts:", "  ~/.holdfast/verify/TIME-seedN"})
  Path out;

  @Option(names = "--check", paramLabel = "HISTORY", description = "Only re-check a recorded history file.")
  Path check;

  @Option(names = "--primitive", defaultValue = "lock", paramLabel = "lock|election|rwlock|semaphore|fair",
      description = {"What the clients use (default: ${DEFAULT-VALUE}):",
          "  lock      acquire, fenced writes, release.",
          "  election  campaign in an election per name, fenced writes under the term, resign; C2 then checks at"
              + " most one leader per term and increasing terms, C3 one leader at a time.",
          "  rwlock    the read/write lock: a quarter of the owners write, the others read; C3 checks that no"
              + " writer overlaps another holder (C4 to C6 are the mutex's and are not run).",
          "  semaphore a semaphore of 2 permits; C3 checks that at most 2 hold at once.",
          "  fair      the lock in fair mode: C1 to C6 as for the lock, and C7"
              + " checks that no grant passed a waiter that stayed in line ahead of it (by the tickets Redis"
              + " gave their places); failovers, wipes and Redis clock steps excuse it, as they lose the line."
              + " With --target service C7 has nothing to judge (the service waits for its callers and its busy"
              + " answers name no place) and says so; C1 to C6 still run."})
  String primitive;

  @Option(names = "--lock", paramLabel = "NAME", defaultValue = Workload.HOLDFAST, hidden = true,
      description = "Lock under test: holdfast, or a negative control: tiny, tiny-release-by-del,"
          + " tiny-renew-without-owner-check, tiny-wall-clock-validity, tiny-reuses-tokens, tiny-expires-early,"
          + " tiny-expires-late; with --primitive election, election-local-terms; with rwlock,"
          + " rwlock-writers-read; with semaphore, semaphore-ignores-permits; with fair, fair-barging.")
  String lock;

  @Option(names = "--long-holds", paramLabel = "FRACTION", defaultValue = "0.03",
      description = "Fraction of holds that run past the TTL (default: ${DEFAULT-VALUE}).")
  double longHolds;

  @Option(names = "--ignore-fencing", hidden = true, description = "Negative control: the resource accepts all.")
  boolean ignoreFencing;

  @Option(names = "--c4-budget", paramLabel = "STEPS", defaultValue = "20000000", hidden = true,
      description = "Linearizability search steps per lock.")
  long c4Budget;

  /** Creates the command; picocli sets the options. */
  public VerifyCommand() { }

  /**
   * Runs (or re-checks) and prints the report.
   *
   * @return 0 without violations, 1 with
   */
  @Override
  public Integer call() throws InterruptedException, IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    if (check != null) {
      return recheck(stdout);
    }
    Report report = new VerifyRun(config(), stderr).run();
    stdout.print(report.render());
    stdout.flush();
    return report.violations() == 0 ? 0 : 1;
  }

  private Integer recheck(PrintWriter stdout) throws IOException {
    History history = History.read(check);
    long violations = 0;
    Workload workload = primitive(Workload.standard(ttl, locks, threads).withLock(lock));
    for (Checker checker : VerifyRun.checkers(workload, target().lockDelay(), slack, c4Budget)) {
      CheckResult result = checker.check(history);
      stdout.printf("%s %-40s %s%n", result.id(), result.title(), result.summary());
      result.counterexample().forEach(line -> stdout.println("     " + line));
      violations += result.counted() ? result.violations() : 0;
    }
    stdout.println("violations: " + violations);
    stdout.flush();
    return violations == 0 ? 0 : 1;
  }

  RunConfig config() {
    require(duration.compareTo(Duration.ofSeconds(5)) >= 0, "--duration must be at least 5s");
    require(clients >= 1 && clients <= 64, "--clients must be from 1 to 64");
    require(threads >= 1 && threads <= 64, "--threads must be from 1 to 64");
    require(locks >= 1 && locks <= 10_000, "--locks must be from 1 to 10000");
    require(ttl.compareTo(Duration.ofMillis(100)) >= 0, "--ttl must be at least 100ms");
    require(longHolds >= 0 && longHolds <= 1, "--long-holds must be from 0 to 1");
    Workload workload = primitive(Workload.standard(ttl, locks, threads).withLock(lock).withLongHolds(longHolds));
    if (workload.isTiny()) {
      workload.flaw();
    }
    Duration quietPeriod = quiet != null ? quiet : RunConfig.defaultQuiet(ttl);
    long chosenSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000);
    // Runs go under the home directory, never into the current directory (a checkout) unless --out says so.
    Path dir = (out != null ? out : Path.of(System.getProperty("user.home"), ".holdfast", "verify",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-seed" + chosenSeed))
        .toAbsolutePath();
    try {
      return new RunConfig(duration, quietPeriod, clients, chosenSeed,
          FaultKind.parseList(String.join(",", faults)), TopologyKind.parse(topology), masters, redis, fsync,
          workload, slack, ignoreFencing, dir, c4Budget, target());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The workload for --primitive: the lock as it is, or another primitive over the same names. */
  private Workload primitive(Workload workload) {
    try {
      Workload chosen = workload.forPrimitive(primitive);
      return chosen;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The --target in its standard setup, with the negative-control knobs applied. */
  Target target() {
    try {
      Target chosen = Target.of(Target.Kind.parse(target), ttl);
      if (serviceSessionTtl != null || serviceLockDelay != null) {
        require(chosen.isService(), "--service-session-ttl and --service-lock-delay need --target service");
        chosen = chosen.withSessionTtl(serviceSessionTtl != null ? serviceSessionTtl : chosen.sessionTtl())
            .withLockDelay(serviceLockDelay != null ? serviceLockDelay : chosen.lockDelay());
      }
      return chosen;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private void require(boolean valid, String problem) {
    if (!valid) {
      throw new ParameterException(spec.commandLine(), problem);
    }
  }
}
