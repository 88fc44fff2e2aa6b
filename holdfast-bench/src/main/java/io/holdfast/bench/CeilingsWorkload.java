package io.holdfast.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The machine's ceilings, measured by the harness in the same run instead of trusting figures from elsewhere:
 * one thread on one Lettuce connection doing a round trip (PING), the floor's lock cycle ({@code SET NX PX}
 * then the compare-and-delete {@code EVALSHA}) with one command in flight, and the same cycle pipelined 16
 * commands deep. Every other figure of the run can be read as a fraction of these.
 *
 * <p>The same two cycles are measured with Holdfast's own scripts ({@link HoldfastScripts}: acquire.lua, then
 * release.lua with the token it granted), without the client engine, and each row reports the Redis CPU time per
 * operation: that splits Holdfast's overhead into what Redis spends on the scripts and what the client spends.
 */
final class CeilingsWorkload implements Workload {
  private static final int DEPTH = 16;

  /** One thing measured, as an operation that is timed as a whole. */
  private interface Operation {
    void run() throws Exception;
  }

  @Override
  public String name() {
    return "ceilings";
  }

  @Override
  public TableSpec table(Scale scale) {
    return new TableSpec(name(), "Ceilings of this machine (1 thread, 1 Lettuce connection)",
        "measured for " + scale.ceilingWindow().toMillis() + " ms each; an op is one command, one SET NX PX + "
            + "EVALSHA cycle (lock cycle), or one acquire.lua + release.lua cycle (holdfast scripts); latency is of "
            + "one op, or of one batch of 16 commands when pipelined (holdfast scripts: 8 acquires, then their 8 "
            + "releases); Redis CPU is per op",
        List.of(new Metric("ops_s", "ops/s", 0), new Metric("p50_us", "p50 us", 0),
            new Metric("p99_us", "p99 us", 0), new Metric("per_s_cmds", "commands/s", 0),
            new Metric("server_cpu_us", "Redis CPU us/op", 1)),
        List.of(), List.of("ops_s"));
  }

  @Override
  public List<Row> run(BenchContext context, List<Contender> contenders) throws Exception {
    RedisClient client = RedisClient.create(context.redisUri());
    try (StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8)) {
      RedisAsyncCommands<String, String> async = connection.async();
      String sha = connection.sync().scriptLoad(RawLocker.releaseScript());
      SetArgs nx = SetArgs.Builder.nx().px(30_000);
      String key = context.runId() + ":ceiling";
      Duration window = context.scale().ceilingWindow();
      List<Row> rows = new ArrayList<>();
      rows.add(measure(context, "PING, 1 in flight", 1, window, () -> async.ping().get()));
      rows.add(measure(context, "PING, 16 in flight", DEPTH, window, () -> pipelined(connection, () -> {
        List<RedisFuture<?>> replies = new ArrayList<>();
        for (int i = 0; i < DEPTH; i++) {
          replies.add(async.ping());
        }
        return replies;
      })));
      rows.add(measure(context, "lock cycle, 1 in flight", 2, window, () -> {
        async.set(key, "v", nx).get();
        async.evalsha(sha, ScriptOutputType.INTEGER, new String[] {key}, "v", key + ":released").get();
      }));
      rows.add(measure(context, "lock cycle, 16 in flight", DEPTH, window, () -> pipelined(connection, () -> {
        List<RedisFuture<?>> replies = new ArrayList<>();
        for (int i = 0; i < DEPTH / 2; i++) {
          String k = key + ":" + i;
          replies.add(async.set(k, "v", nx));
          replies.add(async.evalsha(sha, ScriptOutputType.INTEGER, new String[] {k}, "v", k + ":released"));
        }
        return replies;
      })));
      rows.addAll(holdfastCycles(context, connection, key, window));
      return rows;
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private List<Row> holdfastCycles(BenchContext context, StatefulRedisConnection<String, String> connection,
      String key, Duration window) throws Exception {
    HoldfastScripts scripts = new HoldfastScripts(connection);
    Row single = measure(context, "holdfast scripts, 1 in flight", 2, window, () -> scripts.cycle(key));
    Row piped = measure(context, "holdfast scripts, 16 in flight", DEPTH, window, () -> {
      List<RedisFuture<List<Object>>> grants = new ArrayList<>();
      pipelined(connection, () -> {
        for (int i = 0; i < DEPTH / 2; i++) {
          grants.add(scripts.acquire(key + ":" + i));
        }
        return new ArrayList<>(grants);
      });
      pipelined(connection, () -> {
        List<RedisFuture<?>> releases = new ArrayList<>();
        for (int i = 0; i < DEPTH / 2; i++) {
          releases.add(scripts.release(key + ":" + i, grants.get(i).get()));
        }
        return releases;
      });
    });
    return List.of(single, piped);
  }

  /** Sends a batch in one flush and waits for every reply. */
  private static void pipelined(StatefulRedisConnection<String, String> connection,
      java.util.concurrent.Callable<List<RedisFuture<?>>> batch) throws Exception {
    connection.setAutoFlushCommands(false);
    List<RedisFuture<?>> replies;
    try {
      replies = batch.call();
      connection.flushCommands();
    } finally {
      connection.setAutoFlushCommands(true);
    }
    for (RedisFuture<?> reply : replies) {
      reply.get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Runs the operation in a loop for the window. {@code commands} is how many commands one call sends; in the
   * lock-cycle rows every two commands are one cycle.
   */
  private Row measure(BenchContext context, String variant, int commands, Duration window, Operation operation)
      throws Exception {
    Histogram histogram = Latency.histogram();
    long redisCpuBefore = context.probe().snapshot().serverCpuMicros();
    long end = System.nanoTime() + window.toNanos();
    long start = System.nanoTime();
    long batches = 0;
    while (System.nanoTime() - end < 0) {
      long t0 = System.nanoTime();
      operation.run();
      Latency.record(histogram, System.nanoTime() - t0);
      batches++;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long redisCpu = context.probe().snapshot().serverCpuMicros() - redisCpuBefore;
    boolean cycles = variant.contains("cycle") || variant.startsWith("holdfast");
    double opsPerBatch = cycles ? commands / 2.0 : commands;
    Latency latency = Latency.of(histogram);
    double ops = batches * opsPerBatch / seconds;
    context.progress(name() + " " + variant + ": " + Math.round(ops) + " ops/s");
    return new RowBuilder(name(), variant, variant.startsWith("holdfast") ? "holdfast" : "raw")
        .put("ops_s", ops).put("p50_us", latency.p50()).put("p99_us", latency.p99())
        .put("per_s_cmds", batches * commands / seconds)
        .put("server_cpu_us", batches == 0 ? 0 : redisCpu / (batches * opsPerBatch))
        .build();
  }
}
