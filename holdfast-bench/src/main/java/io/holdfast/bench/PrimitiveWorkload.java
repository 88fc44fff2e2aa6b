package io.holdfast.bench;

import io.holdfast.bench.PrimitiveLocker.Kind;
import io.holdfast.bench.PrimitiveLocker.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * What the read/write lock and semaphore workloads of issue 12 share: cycle variants, in which W workers over
 * the contended workload's client instances acquire and release at once in a closed loop (the subclass says
 * what each acquires), run in alternating slices by {@link Rounds}; and a memory variant ({@link PrimitiveMemory}):
 * the bytes and keys each held grant costs in Redis, and what is left once every grant is released. Every grant
 * passes a {@link ShareReferee}. Only {@link PrimitiveContender}s that {@link Contender#runs} the workload
 * take part.
 *
 * <p>The latency is that of the acquire alone (from the call to the grant), for every grant that returned inside
 * the window; {@code write p99} (rwlock only) is the same for the write grants alone, recorded in the workers'
 * second histogram. A wait is bounded by {@value #WAIT_SECONDS} s and by the window's end plus one slice: the
 * slice ends when its last wait does, and a waiter that missed its wake-up (Redisson's read/write lock did, see
 * docs/benchmarks.md) would otherwise stretch every slice to the full wait. A wait that ran out either way is
 * counted as cut ({@code waits_cut}): the targets are released at once, so it stalled for at least a slice (4 s in
 * the full profile, 0.3 s in the quick one).
 */
abstract class PrimitiveWorkload implements Workload {
  private static final int WAIT_SECONDS = 10;
  private static final Duration WAIT = Duration.ofSeconds(WAIT_SECONDS);

  private final Map<String, ShareReferee> referees = new ConcurrentHashMap<>();

  /**
   * One cycle variant.
   *
   * @param label the variant's label, such as {@code W=64, 10% writes}
   * @param target the target a worker acquires in its next cycle, given the contender and the worker; called on
   *     the worker's thread
   */
  record Cycle(String label, BiFunction<Contender, Integer, Target> target) { }

  /** The cycle variants, in order. */
  abstract List<Cycle> cycles(BenchContext context);

  /** Who runs the cycle variants: the contenders taking part, and any variant of them the subclass adds. */
  List<Contender> cycling(List<Contender> taking) {
    return taking;
  }

  /** The {@code index}th target the memory variant holds at once; each on a name of its own. */
  abstract Target heldTarget(BenchContext context, Contender contender, int index);

  /** Whether targets include writes, which get a latency column of their own. */
  abstract boolean writes();

  /** A title, and the line saying how the cycles and the memory variant run. */
  abstract String title();

  abstract String setup(Scale scale);

  @Override
  public TableSpec table(Scale scale) {
    List<Metric> latency = new ArrayList<>(List.of(new Metric("grants_s", "grants/s", 0),
        new Metric("p50_us", "acquire p50 us", 0), new Metric("p99_us", "acquire p99 us", 0)));
    if (writes()) {
      latency.add(new Metric("write_p99_us", "write p99 us", 0));
    }
    return new TableSpec(name(), title(), setup(scale),
        Metric.columns(latency, List.of(new Metric("cmds_grant", "cmds/grant", 2),
            new Metric("scripts_grant", "scripts/grant", 2)), Metric.cpu("grant"),
            List.of(new Metric("errors", "errors", 0), new Metric("waits_cut", "waits cut", 0)),
            PrimitiveMemory.COLUMNS),
        List.of("grants_s", "p99_us", "cmds_grant", "bytes_grant", "residue_keys"),
        List.of("grants_s", "p99_us", "cmds_grant"));
  }

  @Override
  public List<Row> run(BenchContext context, List<Contender> contenders) throws Exception {
    List<Contender> taking = contenders.stream().filter(c -> c instanceof PrimitiveContender).toList();
    List<Row> rows = new ArrayList<>();
    if (taking.isEmpty()) {
      return rows;
    }
    Scale scale = context.scale();
    for (Contender contender : taking) {
      LockerSpec spec = context.spec(contender.name() + "-prime", UncontendedWorkload.TTL, false);
      ((PrimitiveContender) contender).primePrimitives(spec);
    }
    for (Cycle cycle : cycles(context)) {
      Map<String, SliceResult> results = Rounds.run(context, name() + " " + cycle.label(), cycling(taking),
          contender -> Fixture.open(context, contender, name(), scale.contendedInstances(),
              UncontendedWorkload.TTL, false),
          (fixture, window) -> slice(context, fixture, cycle, window));
      results.forEach((contender, result) -> rows.add(row(cycle.label(), contender, result)));
    }
    PrimitiveMemory memory = new PrimitiveMemory(name(), count(scale));
    for (Contender contender : taking) {
      rows.add(memory.run(context, (PrimitiveContender) contender, i -> heldTarget(context, contender, i)));
    }
    return rows;
  }

  /** Grants held at once by the memory variant: a tenth of the lock memory workload's locks, at least 50. */
  static int count(Scale scale) {
    return Math.max(50, scale.memoryHeld() / 10);
  }

  private SliceResult slice(BenchContext context, Fixture fixture, Cycle cycle, Duration window)
      throws InterruptedException {
    Contender contender = fixture.contender;
    List<WorkerStats> stats = WorkerGroup.run(contender.name() + "-" + name(), context.scale().contendedWorkers(),
        window, (worker, mine) -> {
          Target target = cycle.target().apply(contender, worker);
          ShareReferee referee = referees.computeIfAbsent(target.name(),
              name -> new ShareReferee(contender, name, target.permits(), context.violations()));
          long start = System.nanoTime();
          Held held = PrimitiveContender.of(fixture, worker).acquire(target, wait(context, mine));
          long granted = System.nanoTime();
          if (held == null) {
            mine.timeouts++;
            return;
          }
          referee.granted(target.kind(), held.token());
          mine.completed(granted, granted - start);
          if (target.kind() == Kind.WRITE && granted - mine.deadline <= 0) {
            Latency.record(mine.handoff, granted - start);
          }
          referee.releasing(target.kind());
          held.release();
        });
    return SliceResult.of(stats, window);
  }

  /** {@link #WAIT}, or less so that it ends a slice after the window does. */
  private static Duration wait(BenchContext context, WorkerStats mine) {
    long untilCut = Math.max(0, mine.deadline - System.nanoTime()) + context.scale().slice().toNanos();
    return Duration.ofNanos(Math.min(WAIT.toNanos(), untilCut));
  }

  private Row row(String variant, String contender, SliceResult result) {
    Latency acquire = Latency.of(result.latency);
    RowBuilder row = new RowBuilder(name(), variant, contender)
        .put("grants_s", result.opsPerSecond())
        .put("p50_us", acquire.p50()).put("p99_us", acquire.p99());
    if (writes()) {
      row.put("write_p99_us", Latency.of(result.handoff).p99());
    }
    return row.put("cmds_grant", result.perOp(result.commands.total()))
        .put("scripts_grant", result.perOp(result.commands.scripts()))
        .cpu(result)
        .put("errors", result.errors).put("waits_cut", result.timeouts)
        .commandsPer(result.commands, result.ops + result.opsAfterWindow)
        .build();
  }
}
