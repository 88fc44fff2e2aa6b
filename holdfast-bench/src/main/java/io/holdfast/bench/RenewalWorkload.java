package io.holdfast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Workload 3: one client instance holds N leased locks (1,000 and 10,000) with renewal, and the harness measures
 * what keeping them costs Redis: commands, script calls and bytes per second over the window, and script calls
 * per renewal period, whose target for Holdfast is one per Redis node. Every contender renews on the same
 * period (a third of the TTL). Measuring starts one period after the last grant, so every lease has been
 * renewed at least once; at the end every lock must still exist, or renewal lost it (a violation).
 *
 * <p>{@code redisson-fenced} is not run: RedissonFencedLock extends RedissonLock and renews through the same
 * watchdog, so it would repeat Redisson's row at twice the time.
 */
final class RenewalWorkload implements Workload {

  @Override
  public String name() {
    return "renewal";
  }

  @Override
  public TableSpec table(Scale scale) {
    return new TableSpec(name(), "Renewal cost of held locks",
        "N leases held by 1 client instance, TTL " + scale.renewalTtl().toMillis() + " ms, renewed every "
            + scale.renewalPeriod().toMillis() + " ms, measured for " + scale.renewalWindow().toMillis() + " ms",
        List.of(new Metric("cmds_s", "cmds/s", 0), new Metric("calls_s", "calls/s", 1),
            new Metric("calls_period", "calls/period", 1), new Metric("bytes_s", "bytes/s", 0),
            new Metric("bytes_lock_period", "bytes/lock/period", 1), new Metric("lost", "lost", 0)),
        List.of("calls_period", "bytes_s"), List.of("calls_period", "bytes_s"));
  }

  @Override
  public List<Row> run(BenchContext context, List<Contender> contenders) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int count : context.scale().renewalCounts()) {
      for (Contender contender : contenders) {
        if (contender.name().equals("redisson-fenced")) {
          continue;
        }
        rows.add(measure(context, contender, count));
      }
    }
    return rows;
  }

  private Row measure(BenchContext context, Contender contender, int count) throws Exception {
    Scale scale = context.scale();
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(context.lockName(contender, "rn" + count, i));
    }
    try (Locker locker = contender.connect(context.spec(contender.name() + "-renewal", scale.renewalTtl(),
        false))) {
      List<Held> held = Bulk.acquire(locker, names, true);
      Thread.sleep(scale.renewalPeriod().toMillis());
      RedisProbe.Snapshot before = context.probe().snapshot();
      Thread.sleep(scale.renewalWindow().toMillis());
      CommandDelta delta = context.probe().delta(before, context.probe().snapshot());
      long lost = count - context.probe().existing(names.stream().map(contender::redisKey).toList());
      if (lost > 0) {
        context.violations().report(contender.name() + ": renewal let " + lost + " of " + count
            + " held locks expire");
      }
      try {
        Bulk.release(held);
      } catch (IllegalStateException e) {
        // Expected when leases were lost (already a violation); the row still shows what renewal cost.
        context.note(name() + " N=" + count + ", " + contender.name() + ": release after the window: "
            + e.getMessage());
      }
      return row(context, contender, count, delta, lost);
    }
  }

  private Row row(BenchContext context, Contender contender, int count, CommandDelta delta, long lost) {
    double seconds = delta.elapsed().toNanos() / 1e9;
    double periods = delta.elapsed().toNanos() / (double) context.scale().renewalPeriod().toNanos();
    // Every contender renews with scripts, so script calls are its renewal requests; cmds also counts
    // the commands inside them and anything else the client sends meanwhile (Redisson's keep-alive PINGs).
    double callsPerSecond = delta.scripts() / seconds;
    context.progress(name() + " N=" + count + " " + contender.name() + ": "
        + Math.round(delta.scripts() / periods) + " calls/period, " + Math.round(delta.bytes() / seconds) + " B/s");
    return new RowBuilder(name(), "N=" + count, contender.name())
        .put("cmds_s", delta.total() / seconds)
        .put("calls_s", callsPerSecond)
        .put("calls_period", delta.scripts() / periods)
        .put("bytes_s", delta.bytes() / seconds)
        .put("bytes_lock_period", delta.bytes() / periods / count)
        .put("lost", lost)
        .commandsPer(delta, periods)
        .build();
  }
}
