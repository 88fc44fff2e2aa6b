package io.holdfast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Workload 5: a fleet of N simulated client nodes (separate client instances, each with its own connections
 * and threads, one worker each) at a steady rate per node on a shared pool of N/2 locks, so that some
 * acquires meet a held lock. Latency is measured from when each operation was due, not from when it started,
 * so a node that falls behind shows it (no coordinated omission). Reports steady-state throughput, latency,
 * errors, wait timeouts and the connections the fleet keeps open.
 *
 * <p>Every contender runs it: the libraries directly on Redis, and {@code holdfast-service} through the lock
 * service (issue 5 asks for the fleet through the service), each node its own client with its own connection.
 */
final class FleetWorkload implements Workload {
  private static final Duration WAIT = Duration.ofSeconds(2);

  @Override
  public String name() {
    return "fleet";
  }

  @Override
  public TableSpec table(Scale scale) {
    return new TableSpec(name(), "Fleet of client instances",
        scale.fleetNodes() + " client instances x 1 thread, " + scale.fleetRate() + " acquire+release/s each on "
            + locks(scale) + " shared locks, direct to Redis (holdfast-service: through one lock service in its own"
            + " JVM); latency from the scheduled start",
        Metric.columns(List.of(new Metric("ops_s", "ops/s", 0), new Metric("p50_us", "p50 us", 0),
            new Metric("p99_us", "p99 us", 0), new Metric("p999_us", "p99.9 us", 0),
            new Metric("conns", "connections", 0)), Metric.cpu("op"),
            List.of(new Metric("errors", "errors", 0), new Metric("timeouts", "timeouts", 0))),
        List.of("p99_us"), List.of("ops_s", "p99_us"));
  }

  @Override
  public List<Row> run(BenchContext context, List<Contender> contenders) throws Exception {
    List<Row> rows = new ArrayList<>();
    Scale scale = context.scale();
    for (Contender contender : contenders) {
      int before = context.probe().connectedClients();
      try (Fixture fixture = Fixture.open(context, contender, "fleet", scale.fleetNodes(),
          UncontendedWorkload.TTL, true)) {
        int connections = context.probe().connectedClients() - before;
        slice(context, fixture, scale.warmup());
        RedisProbe.Snapshot start = context.probe().snapshot(contender);
        SliceResult result = slice(context, fixture, scale.fleetWindow());
        result.commands = context.probe().delta(start, context.probe().snapshot(contender));
        rows.add(row(context, contender, result, connections));
      }
    }
    return rows;
  }

  private static int locks(Scale scale) {
    return Math.max(1, scale.fleetNodes() / 2);
  }

  private SliceResult slice(BenchContext context, Fixture fixture, Duration window) throws InterruptedException {
    Scale scale = context.scale();
    long interval = 1_000_000_000L / scale.fleetRate();
    long[] due = new long[scale.fleetNodes()];
    List<WorkerStats> stats = WorkerGroup.run(fixture.contender.name() + "-fleet", scale.fleetNodes(), window,
        (node, mine) -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          if (due[node] == 0) {
            due[node] = System.nanoTime() + random.nextLong(interval);
          }
          long intended = due[node];
          due[node] += interval;
          if (!sleepUntil(intended, mine.deadline)) {
            return;
          }
          String lock = context.lockName(fixture.contender, "fleet", random.nextInt(locks(scale)));
          FenceGuard guard = fixture.guard(lock);
          Held held = fixture.instanceFor(node).acquire(lock, WAIT);
          if (held == null) {
            mine.timeouts++;
            return;
          }
          guard.granted(held.token());
          guard.releasing();
          held.release();
          long end = System.nanoTime();
          mine.completed(end, end - intended);
        });
    return SliceResult.of(stats, window);
  }

  /** Parks until the operation is due; false when the window closes first. */
  private static boolean sleepUntil(long due, long deadline) throws InterruptedException {
    long now;
    while ((now = System.nanoTime()) - due < 0) {
      if (now - deadline >= 0) {
        return false;
      }
      LockSupport.parkNanos(Math.min(due, deadline) - now);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    return due - deadline < 0;
  }

  private Row row(BenchContext context, Contender contender, SliceResult result, int connections) {
    Latency latency = Latency.of(result.latency);
    context.progress(name() + " " + contender.name() + ": " + Math.round(result.opsPerSecond()) + " ops/s, p99 "
        + Math.round(latency.p99()) + " us, " + connections + " connections, " + result.errors + " errors");
    if (result.errors > 0) {
      context.note("fleet, " + contender.name() + ": " + result.errors + " errors, e.g. " + result.errorSamples);
    }
    return new RowBuilder(name(), context.scale().fleetNodes() + " nodes", contender.name())
        .put("ops_s", result.opsPerSecond())
        .put("p50_us", latency.p50()).put("p99_us", latency.p99()).put("p999_us", latency.p999())
        .put("conns", connections).put("errors", result.errors).put("timeouts", result.timeouts)
        .put("cmds_op", result.perOp(result.commands.total()))
        .cpu(result)
        .commandsPer(result.commands, result.ops + result.opsAfterWindow)
        .build();
  }
}
