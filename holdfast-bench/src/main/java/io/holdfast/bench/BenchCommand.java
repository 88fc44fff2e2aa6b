package io.holdfast.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code holdfast bench}: the picocli form of {@link BenchMain}, for the Holdfast command line to register as a
 * subcommand. Returns 0 for a valid result, 1 for a correctness violation or a failed workload; bad values are
 * usage errors (picocli's exit code 2).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Benchmarks Holdfast against Redisson and a raw Lettuce floor on a real redis-server.",
        "",
        "Holdfast runs direct and through a lock service in its own JVM, side by side with the others, and"
            + " exclusion and fencing are checked on every grant. Prints tables; writes results.json, results.csv,"
            + " results.md and SVG charts to --out."},
    footer = {"", "Examples:",
        "  holdfast bench --quick",
        "  holdfast bench --workloads contended --contenders holdfast,redisson"})
public final class BenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--quick", description = "Every workload briefly (about a minute).")
  boolean quick;

  @Option(names = "--profile", paramLabel = "PROFILE",
      description = "full (default, about 25 minutes), quick, or smoke (seconds).")
  String profile;

  @Option(names = "--redis", paramLabel = "URI",
      description = "Use this idle redis:// server instead of starting a private one.")
  String redis;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: target/bench).")
  Path out = BenchConfig.DEFAULT_OUT;

  @Option(names = "--workloads", split = ",", paramLabel = "NAME",
      description = "Workloads to run (default: all): ceilings, uncontended, contended, renewal, memory, fleet,"
          + " rwlock, semaphore, saturated.")
  List<String> workloads = BenchConfig.WORKLOADS;

  @Option(names = "--contenders", split = ",", paramLabel = "NAME",
      description = "Contenders to run (default: all): holdfast, holdfast-service, redisson, redisson-fenced, raw.")
  List<String> contenders = BenchConfig.CONTENDERS;

  /** Creates the command; picocli fills the options. */
  public BenchCommand() { }

  /**
   * Runs the benchmark.
   *
   * @return 0 for a valid result, 1 otherwise
   */
  @Override
  public Integer call() {
    BenchConfig config;
    try {
      Profile chosen = profile != null ? BenchArgs.profile(profile) : quick ? Profile.QUICK : Profile.FULL;
      config = new BenchConfig(Optional.ofNullable(redis), out, chosen, workloads, contenders);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    BenchMain.quietLogging();
    return Bench.run(config, spec.commandLine().getOut()).exitCode();
  }
}
