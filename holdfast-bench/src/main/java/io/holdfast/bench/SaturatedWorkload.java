package io.holdfast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The saturated fleet of issue 12: many client instances (each its own {@code Holdfast.connect}, one worker each)
 * on few locks, each worker in a closed loop of {@code tryAcquire} with a 2 s wait, 5 ms of work while held, and
 * release. Offered load exceeds what the locks can serve, so waits queue up; the question is whether every wait
 * that covers the line succeeds. Reports failed acquisitions per minute (waits that ran out), fairness (most grants
 * of one instance over the fewest) and the wait's percentiles, for the plain lock ({@code holdfast}) and the fair
 * mode ({@code holdfast-fair}). 120 instances on 20 locks in the full and quick profiles (the figures),
 * a tenth of that in the smoke profile; measured for three fleet windows (a minute in the full profile).
 */
final class SaturatedWorkload implements Workload {
  private static final Duration WAIT = Duration.ofSeconds(2);
  private static final long HOLD_NANOS = Duration.ofMillis(5).toNanos();
  private static final int INSTANCES = 120;
  private static final int INSTANCES_PER_LOCK = 6;

  @Override
  public String name() {
    return "saturated";
  }

  @Override
  public TableSpec table(Scale scale) {
    int instances = instances(scale);
    return new TableSpec(name(), "Saturated fleet (fair lock)",
        instances + " client instances x 1 thread on " + instances / INSTANCES_PER_LOCK + " locks, closed loop of"
            + " tryAcquire (2 s wait), 5 ms held, release; holdfast-fair is the same client in fair mode",
        Metric.columns(List.of(new Metric("grants_s", "grants/s", 0), new Metric("failed_min", "failed/min", 1),
            new Metric("fairness", "max/min", 2), new Metric("wait_p50_ms", "wait p50 ms", 1),
            new Metric("wait_p99_ms", "wait p99 ms", 1), new Metric("cmds_grant", "cmds/grant", 2)),
            Metric.cpu("grant"), List.of(new Metric("errors", "errors", 0))),
        List.of("failed_min", "fairness"), List.of("grants_s", "failed_min"));
  }

  /* The plain and the fair Holdfast lock; other contenders have no fair mode to compare. */
  @Override
  public List<Row> run(BenchContext context, List<Contender> contenders) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (Contender contender : contenders) {
      if (contender.name().equals("holdfast") || contender.name().equals(HoldfastContender.FAIR_NAME)) {
        rows.add(run(context, contender));
      }
    }
    return rows;
  }

  private static int instances(Scale scale) {
    return scale.fleetSizes().stream().anyMatch(size -> size >= 100) ? INSTANCES : INSTANCES / 10;
  }

  private Row run(BenchContext context, Contender contender) throws InterruptedException {
    int instances = instances(context.scale());
    try (Fixture fixture = Fixture.open(context, contender, "sat", instances, UncontendedWorkload.TTL, true)) {
      slice(context, fixture, instances, context.scale().warmup());
      RedisProbe.Snapshot start = context.probe().snapshot(contender);
      Duration window = context.scale().fleetWindow().multipliedBy(3);
      SliceResult result = slice(context, fixture, instances, window);
      result.commands = context.probe().delta(start, context.probe().snapshot(contender));
      return row(context, contender, instances, window, result);
    }
  }

  private SliceResult slice(BenchContext context, Fixture fixture, int instances, Duration window)
      throws InterruptedException {
    int locks = instances / INSTANCES_PER_LOCK;
    List<WorkerStats> stats = WorkerGroup.run(fixture.contender.name() + "-sat", instances, window,
        (instance, mine) -> {
          String lock = context.lockName(fixture.contender, "sat", ThreadLocalRandom.current().nextInt(locks));
          GrantReferee referee = fixture.referee(lock);
          long start = System.nanoTime();
          Held held = fixture.instanceFor(instance).acquire(lock, WAIT);
          long granted = System.nanoTime();
          if (held == null) {
            if (granted - mine.deadline <= 0) {
              mine.timeouts++;
            }
            return;
          }
          referee.granted(held.token());
          mine.completed(granted, granted - start);
          LockSupport.parkNanos(HOLD_NANOS);
          referee.releasing();
          held.release();
        });
    return SliceResult.of(stats, window);
  }

  private Row row(BenchContext context, Contender contender, int instances, Duration window, SliceResult result) {
    Latency wait = Latency.of(result.latency);
    double failedPerMinute = result.timeouts * 60_000.0 / Math.max(1, window.toMillis());
    context.progress(name() + " " + contender.name() + ": " + Math.round(result.opsPerSecond()) + " grants/s, "
        + String.format("%.1f", failedPerMinute) + " failed/min, fairness " + String.format("%.2f", result.fairness())
        + ", wait p99 " + Math.round(wait.p99() / 1000) + " ms");
    return new RowBuilder(name(), instances + " instances", contender.name())
        .put("grants_s", result.opsPerSecond())
        .put("failed_min", failedPerMinute)
        .put("fairness", result.fairness()).put("min_grants", result.minPerWorker())
        .put("wait_p50_ms", wait.p50() / 1000).put("wait_p99_ms", wait.p99() / 1000)
        .put("cmds_grant", result.perOp(result.commands.total()))
        .cpu(result)
        .put("errors", result.errors)
        .commandsPer(result.commands, result.ops + result.opsAfterWindow)
        .build();
  }
}
