package io.holdfast.bench;

import io.holdfast.testkit.redis.RedisServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The benchmark harness as a library: runs the workloads of issue 5 for every contender in one run, checks
 * exclusion and fencing on every grant, prints the tables and writes the result files.
 *
 * <pre>{@code
 * BenchSummary summary = Bench.run(BenchConfig.defaults(), System.out);
 * }</pre>
 *
 * <p>Command lines: {@link BenchMain} (no dependencies) and {@link BenchCommand} (picocli, for
 * {@code holdfast bench}).
 */
public final class Bench {
  private Bench() { }

  /**
   * Runs a benchmark.
   *
   * @param config what to run
   * @param console where progress and the tables go
   * @return the outcome; the result files are in {@link BenchConfig#outDir()}
   * @throws UncheckedIOException when the result files cannot be written
   * @throws IllegalStateException when no Redis server can be started or reached
   */
  public static BenchSummary run(BenchConfig config, PrintWriter console) {
    RedisServer server = config.redisUri().isPresent() ? null : RedisServer.builder().build().start();
    String uri = server != null ? server.uri() : config.redisUri().orElseThrow();
    try (RedisProbe probe = new RedisProbe(uri)) {
      Machine machine = Machine.describe(probe.version(),
          server != null ? server.binary() + " on " + uri + ", started by the harness" : uri);
      console.println("holdfast-bench " + config.profile().name().toLowerCase() + " run on " + machine.cores()
          + " cores, Redis " + machine.redisVersion() + " at " + uri + "; results in " + config.outDir());
      return runAll(config, probe, machine, uri, server != null, console);
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static BenchSummary runAll(BenchConfig config, RedisProbe probe, Machine machine, String uri,
      boolean privateServer, PrintWriter console) {
    Scale scale = config.profile().scale();
    Violations violations = new Violations();
    List<String> notes = Collections.synchronizedList(new ArrayList<>());
    String runId = "b" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    BenchContext context = new BenchContext(uri, probe, scale, violations, console, runId, notes,
        privateServer);
    List<TableSpec> tables = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    List<String> failed = runWorkloads(config, context, tables, rows);
    Results results = new Results(machine, config.profile(), tables, rows, notes, violations.count(),
        violations.samples());
    ReportWriter.print(results, console);
    try {
      List<Path> files = ReportWriter.write(results, config.outDir());
      console.println("wrote " + files.size() + " files to " + config.outDir().toAbsolutePath());
      return new BenchSummary(violations.count(), failed, files);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results to " + config.outDir(), e);
    }
  }

  /** Runs each workload in turn; one that fails is noted and the others still run. Returns the failed ones. */
  private static List<String> runWorkloads(BenchConfig config, BenchContext context, List<TableSpec> tables,
      List<Row> rows) {
    List<Contender> contenders = available(
        Catalog.contenders(config.contenders(), context.scale(), config.outDir()), context);
    List<String> failed = new ArrayList<>();
    try {
      for (String name : config.workloads()) {
        List<Contender> taking = contenders.stream().filter(c -> c.runs(name)).toList();
        // A service started for an earlier workload must not run on in the background of one it takes no part
        // in: its housekeeping scripts would count as the other contenders' Redis commands.
        contenders.stream().filter(c -> !taking.contains(c)).forEach(Contender::close);
        boolean ok = taking.isEmpty() || runWorkload(name, taking, context, tables, rows);
        if (!ok) {
          failed.add(name);
          if (Thread.currentThread().isInterrupted()) {
            break;
          }
        }
      }
    } finally {
      contenders.forEach(Contender::close);
    }
    return failed;
  }

  /** The contenders that can run here; each one that cannot (its server is not installed) is noted, skipped. */
  static List<Contender> available(List<Contender> contenders, BenchContext context) {
    List<Contender> available = new ArrayList<>();
    for (Contender contender : contenders) {
      contender.unavailable().ifPresentOrElse(
          reason -> context.note("contender " + contender.name() + " skipped: " + reason),
          () -> available.add(contender));
    }
    return available;
  }

  /** Runs one workload; false (with a note) when it failed or was interrupted. */
  private static boolean runWorkload(String name, List<Contender> contenders, BenchContext context,
      List<TableSpec> tables, List<Row> rows) {
    Workload workload = Catalog.workload(name);
    tables.add(workload.table(context.scale()));
    context.console().println(name + " ...");
    long start = System.nanoTime();
    try {
      rows.addAll(workload.run(context, contenders));
      context.console().printf("%s done in %.1f s%n", name, (System.nanoTime() - start) / 1e9);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      context.note("workload " + name + " interrupted");
      return false;
    } catch (Exception e) {
      context.note("workload " + name + " failed: " + e);
      return false;
    }
  }
}
