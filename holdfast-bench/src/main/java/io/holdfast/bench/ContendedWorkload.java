package io.holdfast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Workload 2: 64 workers spread over 4 client instances (separate connections, as separate processes would
 * have), all on 1 lock, then on 8 locks (worker w on lock w mod 8). Each worker acquires, releases at once and
 * acquires again, so every release has waiters.
 *
 * <p>Hand-off latency is the time from the moment a holder starts its release to the moment the next grant of
 * that lock returns to its worker, whoever that is; when the releasing worker wins again (barging) that is
 * counted as a self hand-off. Fairness is the most grants of one worker over the fewest. Redis commands per
 * grant come from INFO commandstats around each slice and expose thundering herds.
 */
final class ContendedWorkload implements Workload {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** The last release of one lock: when it started and by which worker. */
  private record ReleaseMark(long nanos, int worker) { }

  @Override
  public String name() {
    return "contended";
  }

  @Override
  public TableSpec table(Scale scale) {
    return new TableSpec(name(), "Contended hand-off",
        scale.contendedWorkers() + " workers = " + scale.contendedInstances() + " client instances x "
            + scale.contendedWorkers() / scale.contendedInstances() + " threads, on L locks; no work while held",
        Metric.columns(List.of(new Metric("grants_s", "grants/s", 0),
            new Metric("handoff_p50_us", "hand-off p50 us", 0), new Metric("handoff_p99_us", "hand-off p99 us", 0),
            new Metric("handoff_p999_us", "p99.9 us", 0), new Metric("fairness", "max/min", 1),
            new Metric("self_pct", "self %", 0), new Metric("cmds_grant", "cmds/grant", 2),
            new Metric("scripts_grant", "scripts/grant", 2), new Metric("subs_grant", "(un)subs/grant", 3)),
            Metric.cpu("grant"), List.of(new Metric("errors", "errors", 0))),
        List.of("grants_s", "handoff_p99_us", "cmds_grant"), List.of("grants_s", "handoff_p99_us", "cmds_grant"));
  }

  @Override
  public List<Row> run(BenchContext context, List<Contender> contenders) throws Exception {
    Scale scale = context.scale();
    List<Row> rows = new ArrayList<>();
    for (int locks : scale.contendedLocks()) {
      String variant = "L=" + locks;
      Map<String, SliceResult> results = Rounds.run(context, name() + " " + variant, contenders,
          contender -> Fixture.open(context, contender, "ct" + locks, scale.contendedInstances(),
              UncontendedWorkload.TTL, false),
          (fixture, window) -> slice(context, fixture, locks, window));
      results.forEach((contender, result) -> rows.add(row(variant, contender, result)));
    }
    return rows;
  }

  private SliceResult slice(BenchContext context, Fixture fixture, int locks, Duration window)
      throws InterruptedException {
    List<AtomicReference<ReleaseMark>> marks = new ArrayList<>();
    for (int i = 0; i < locks; i++) {
      marks.add(new AtomicReference<>());
    }
    List<WorkerStats> stats = WorkerGroup.run(fixture.contender.name() + "-ct" + locks,
        context.scale().contendedWorkers(), window, (worker, mine) -> {
          int lockIndex = worker % locks;
          String lock = context.lockName(fixture.contender, "ct" + locks, lockIndex);
          GrantReferee referee = fixture.referee(lock);
          long start = System.nanoTime();
          Held held = fixture.instanceFor(worker).acquire(lock, WAIT);
          long granted = System.nanoTime();
          if (held == null) {
            mine.timeouts++;
            return;
          }
          referee.granted(held.token());
          handedOff(marks.get(lockIndex).get(), worker, granted, mine);
          mine.completed(granted, granted - start);
          marks.get(lockIndex).set(new ReleaseMark(System.nanoTime(), worker));
          referee.releasing();
          held.release();
        });
    return SliceResult.of(stats, window);
  }

  private static void handedOff(ReleaseMark previous, int worker, long granted, WorkerStats mine) {
    if (previous == null || granted - mine.deadline > 0) {
      return;
    }
    Latency.record(mine.handoff, granted - previous.nanos());
    if (previous.worker() == worker) {
      mine.selfHandoffs++;
    }
  }

  private Row row(String variant, String contender, SliceResult result) {
    Latency handoff = Latency.of(result.handoff);
    double grants = result.ops + result.opsAfterWindow;
    return new RowBuilder(name(), variant, contender)
        .put("grants_s", result.opsPerSecond())
        .put("handoff_p50_us", handoff.p50()).put("handoff_p99_us", handoff.p99())
        .put("handoff_p999_us", handoff.p999())
        .put("wait_p99_us", Latency.of(result.latency).p99())
        .put("fairness", result.fairness()).put("min_grants", result.minPerWorker())
        .put("self_pct", result.ops == 0 ? 0 : 100.0 * result.selfHandoffs / result.ops)
        .put("cmds_grant", result.perOp(result.commands.total()))
        .put("scripts_grant", result.perOp(result.commands.scripts()))
        .put("subs_grant", result.perOp(result.commands.subscriptions()))
        .cpu(result)
        .put("errors", result.errors + result.timeouts)
        .commandsPer(result.commands, grants)
        .build();
  }
}
