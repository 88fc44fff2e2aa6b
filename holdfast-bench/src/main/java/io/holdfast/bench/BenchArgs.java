package io.holdfast.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The command line of {@link BenchMain}, parsed by hand so that the entry point needs no picocli:
 * {@code [--quick | --profile full|quick|smoke] [--redis URI] [--out DIR] [--workloads a,b] [--contenders a,b]}.
 * Options take their value as the next argument or after {@code =}.
 */
final class BenchArgs {
  static final String USAGE = String.join("\n",
      "usage: holdfast-bench [--quick | --profile full|quick|smoke] [--redis URI] [--out DIR]",
      "                      [--workloads LIST] [--contenders LIST]",
      "  --quick          every workload briefly (about a minute); same as --profile quick",
      "  --profile P      full (default, ~25 min), quick, or smoke (seconds, for tests)",
      "  --redis URI      use this redis:// server (idle, not shared) instead of starting one",
      "  --out DIR        where results.json/.csv/.md and the SVG charts go (default target/bench)",
      "  --workloads L    comma-separated, from " + String.join(",", BenchConfig.WORKLOADS),
      "  --contenders L   comma-separated, from " + String.join(",", BenchConfig.CONTENDERS));

  private BenchArgs() { }

  /**
   * Parses the arguments.
   *
   * @return the configuration, or empty when help was asked for
   * @throws IllegalArgumentException on an unknown option or a bad value, with the value in the message
   */
  static Optional<BenchConfig> parse(String... args) {
    BenchConfig defaults = BenchConfig.defaults();
    Optional<String> redis = Optional.empty();
    Path out = defaults.outDir();
    Profile profile = defaults.profile();
    List<String> workloads = defaults.workloads();
    List<String> contenders = defaults.contenders();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      switch (option) {
        case "-h", "--help" -> {
          return Optional.empty();
        }
        case "--quick" -> profile = Profile.QUICK;
        case "--profile" -> profile = profile(value(args, i++, arg));
        case "--redis" -> redis = Optional.of(value(args, i++, arg));
        case "--out" -> out = Path.of(value(args, i++, arg));
        case "--workloads" -> workloads = list(value(args, i++, arg));
        case "--contenders" -> contenders = list(value(args, i++, arg));
        default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
      if (arg.contains("=")) {
        i--; // the value was inside this argument, not the next one
      }
    }
    return Optional.of(new BenchConfig(redis, out, profile, workloads, contenders));
  }

  static Profile profile(String name) {
    try {
      return Profile.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--profile must be full, quick or smoke, was '" + name + "'");
    }
  }

  static List<String> list(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String value(String[] args, int index, String arg) {
    int equals = arg.indexOf('=');
    if (equals >= 0) {
      return arg.substring(equals + 1);
    }
    if (index + 1 >= args.length) {
      throw new IllegalArgumentException(arg + " needs a value");
    }
    return args[index + 1];
  }
}
