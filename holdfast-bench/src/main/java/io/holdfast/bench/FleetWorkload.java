package io.holdfast.bench;

import static java.util.stream.Collectors.joining;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Workload 5: a fleet of N simulated client nodes (separate client instances, each with its own connections
 * and threads, one worker each) at a steady rate per node on a shared pool of N/2 locks, so that some
 * acquires meet a held lock, once per fleet size of the profile (100 and 200 nodes in the full and quick runs).
 * Latency is measured from when each operation was due, not from when it started, so a node that falls behind
 * shows it (no coordinated omission). Reports steady-state throughput, latency, errors, wait timeouts, CPU per
 * operation and the connections the fleet keeps open.
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
        "N client instances (N = " + scale.fleetSizes().stream().map(String::valueOf).collect(joining(", "))
            + ") x 1 thread, " + scale.fleetRate() + " acquire+release/s each on N/2 shared locks, direct to Redis"
            + " (holdfast-service: through one lock service in its own JVM); latency from the scheduled start",
        Metric.columns(List.of(new Metric("ops_s", "ops/s", 0), new Metric("p50_us", "p50 us", 0),
            new Metric("p99_us", "p99 us", 0), new Metric("p999_us", "p99.9 us", 0),
            new Metric("conns", "connections", 0)), Metric.cpu("op"),
            List.of(new Metric("errors", "errors", 0), new Metric("timeouts", "timeouts", 0))),
        List.of("p99_us"), List.of("ops_s", "p99_us"));
  }

  @Override
  public List<Row> run(BenchContext context, List<Contender> contenders) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int nodes : context.scale().fleetSizes()) {
      for (Contender contender : contenders) {
        rows.add(run(context, contender, nodes));
      }
    }
    return rows;
  }

  private Row run(BenchContext context, Contender contender, int nodes) throws InterruptedException {
    int before = context.probe().connectedClients();
    try (Fixture fixture = Fixture.open(context, contender, "fleet" + nodes, nodes, UncontendedWorkload.TTL,
        true)) {
      int connections = context.probe().connectedClients() - before;
      slice(context, fixture, nodes, context.scale().warmup());
      RedisProbe.Snapshot start = context.probe().snapshot(contender);
      SliceResult result = slice(context, fixture, nodes, context.scale().fleetWindow());
      result.commands = context.probe().delta(start, context.probe().snapshot(contender));
      return row(context, contender, nodes, result, connections);
    }
  }

  private static int locks(int nodes) {
    return Math.max(1, nodes / 2);
  }

  private SliceResult slice(BenchContext context, Fixture fixture, int nodes, Duration window)
      throws InterruptedException {
    long interval = 1_000_000_000L / context.scale().fleetRate();
    long[] due = new long[nodes];
    List<WorkerStats> stats = WorkerGroup.run(fixture.contender.name() + "-fleet" + nodes, nodes, window,
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
          String lock = context.lockName(fixture.contender, "fleet" + nodes, random.nextInt(locks(nodes)));
          GrantReferee referee = fixture.referee(lock);
          Held held = fixture.instanceFor(node).acquire(lock, WAIT);
          if (held == null) {
            mine.timeouts++;
            return;
          }
          referee.granted(held.token());
          referee.releasing();
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

  private Row row(BenchContext context, Contender contender, int nodes, SliceResult result, int connections) {
    Latency latency = Latency.of(result.latency);
    context.progress(name() + " " + nodes + " " + contender.name() + ": " + Math.round(result.opsPerSecond()) + " ops/s, p99 "
        + Math.round(latency.p99()) + " us, " + connections + " connections, " + result.errors + " errors");
    if (result.errors > 0) {
      context.note("fleet " + nodes + ", " + contender.name() + ": " + result.errors + " errors, e.g. " + result.errorSamples);
    }
    return new RowBuilder(name(), nodes + " nodes", contender.name())
        .put("ops_s", result.opsPerSecond())
        .put("p50_us", latency.p50()).put("p99_us", latency.p99()).put("p999_us", latency.p999())
        // Redis connections: those of etcd's and ZooKeeper's clients go to their own servers (one each per node).
        .put("conns", contender instanceof ExternalContender ? Double.NaN : connections)
        .put("errors", result.errors).put("timeouts", result.timeouts)
        .put("cmds_op", result.perOp(result.commands.total()))
        .cpu(result)
        .commandsPer(result.commands, result.ops + result.opsAfterWindow)
        .build();
  }
}
