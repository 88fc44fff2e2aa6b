package io.holdfast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workload 1: W workers (1, 16, 64) in one client instance, each acquiring and releasing its own lock in a closed
 * loop. Measures acquire+release cycles per second and the latency of one cycle.
 */
final class UncontendedWorkload implements Workload {
  static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Override
  public String name() {
    return "uncontended";
  }

  @Override
  public TableSpec table(Scale scale) {
    return new TableSpec(name(), "Uncontended acquire+release",
        "W workers x 1 client instance, each worker on its own lock, closed loop, lease " + TTL.toSeconds()
            + " s with the library's default renewal; latency of one acquire+release cycle",
        Metric.columns(List.of(new Metric("cycles_s", "cycles/s", 0), new Metric("p50_us", "p50 us", 0),
            new Metric("p99_us", "p99 us", 0), new Metric("p999_us", "p99.9 us", 0),
            new Metric("cmds_op", "cmds/cycle", 2), new Metric("scripts_op", "scripts/cycle", 2)),
            Metric.cpu("cycle"), List.of(new Metric("errors", "errors", 0))),
        List.of("cycles_s", "p99_us"), List.of("cycles_s", "p99_us"));
  }

  @Override
  public List<Row> run(BenchContext context, List<Contender> contenders) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int workers : context.scale().uncontendedWorkers()) {
      String variant = "W=" + workers;
      Map<String, SliceResult> results = Rounds.run(context, name() + " " + variant, contenders,
          contender -> Fixture.open(context, contender, "uc" + workers, 1, TTL, false),
          (fixture, window) -> slice(context, fixture, workers, window));
      results.forEach((contender, result) -> rows.add(row(variant, contender, result)));
    }
    return rows;
  }

  private SliceResult slice(BenchContext context, Fixture fixture, int workers, Duration window)
      throws InterruptedException {
    Locker locker = fixture.instances.get(0);
    String prefix = "uc" + workers;
    List<WorkerStats> stats = WorkerGroup.run(fixture.contender.name() + "-" + prefix, workers, window,
        (worker, mine) -> {
          String lock = context.lockName(fixture.contender, prefix, worker);
          GrantReferee referee = fixture.referee(lock);
          long start = System.nanoTime();
          Held held = locker.acquire(lock, WAIT);
          if (held == null) {
            mine.timeouts++;
            return;
          }
          referee.granted(held.token());
          referee.releasing();
          held.release();
          long end = System.nanoTime();
          mine.completed(end, end - start);
        });
    return SliceResult.of(stats, window);
  }

  private Row row(String variant, String contender, SliceResult result) {
    Latency cycle = Latency.of(result.latency);
    double cycles = result.ops + result.opsAfterWindow;
    return new RowBuilder(name(), variant, contender)
        .put("cycles_s", result.opsPerSecond())
        .put("p50_us", cycle.p50()).put("p99_us", cycle.p99()).put("p999_us", cycle.p999())
        .put("cmds_op", result.perOp(result.commands.total()))
        .put("scripts_op", result.perOp(result.commands.scripts()))
        .cpu(result)
        .put("errors", result.errors + result.timeouts)
        .commandsPer(result.commands, cycles)
        .build();
  }
}
