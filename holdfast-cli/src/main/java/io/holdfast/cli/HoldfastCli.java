package io.holdfast.cli;

import io.holdfast.HoldfastException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code holdfast} command: entry point of the executable jar. Each subcommand is its own class; a new one
 * (server, locks, lock, run) is added to {@code subcommands} below and reuses {@link RedisOption} and
 * {@link Backends} for connecting, so that errors look the same everywhere.
 *
 * <p>Exit codes: 0 success, 1 the command ran and found a problem (such as fencing violations) or failed
 * unexpectedly, 2 bad usage or an unreachable or unsupported backend.
 */
@Command(
    name = "holdfast",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Distributed locks with fencing tokens on Redis.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {DemoCommand.class, InspectCommand.class, ServerCommand.class, LocksCommand.class,
        LockCommand.class, RunCommand.class, ElectCommand.class, DashboardCommand.class, io.holdfast.bench.BenchCommand.class,
        io.holdfast.verify.VerifyCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Run 'holdfast COMMAND --help' for the options and examples of a command.", "",
        "Examples:", "  holdfast demo", "  holdfast server --redis redis://127.0.0.1:6379",
        "  holdfast run --lock nightly-report --server 127.0.0.1:7420 -- ./report.sh"})
public final class HoldfastCli implements Runnable {
  /** Exit code for bad usage and for a backend that cannot be used at all. */
  static final int EXIT_USAGE = 2;
  /** Exit code for a command that ran but failed or found a problem. */
  static final int EXIT_FAILURE = 1;

  @Spec
  CommandSpec spec;

  HoldfastCli() { }

  /**
   * Runs the command line and exits the JVM with its exit code.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(execute(out, err, args));
  }

  /** Runs in-process without exiting, for tests and for embedding. */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    int code = commandLine(out, err).execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new HoldfastCli());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.registerConverter(Duration.class, new DurationConverter());
    commandLine.setExecutionExceptionHandler(HoldfastCli::handleFailure);
    commandLine.setParameterExceptionHandler(HoldfastCli::handleUsageError);
    // "--nodes=5" and "--nodes 5" both work; abbreviations would make later options ambiguous, so none.
    commandLine.setAbbreviatedOptionsAllowed(false);
    return commandLine;
  }

  /** With no command there is nothing to do: say so as any other usage error would. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  /*
   * A usage error prints its one-line message, the command's synopsis and where to find more: the full help
   * would push the message itself off the screen.
   */
  private static int handleUsageError(ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("holdfast: " + error.getMessage());
    UnmatchedArgumentException.printSuggestions(error, err);
    String heading = "Usage: ";
    err.print(heading + command.getHelp().synopsis(heading.length()));
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    return EXIT_USAGE;
  }

  /*
   * Failures while a command runs become one line on stderr, never a stack trace: a CLI user cannot act on one,
   * and the messages from Holdfast already name the lock, URI or value involved.
   */
  private static int handleFailure(Exception failure, CommandLine command, ParseResult parsed) {
    PrintWriter err = command.getErr();
    if (failure instanceof CliFailure cli) {
      err.println("holdfast: " + cli.getMessage());
      return cli.exitCode();
    }
    if (failure instanceof HoldfastException holdfast) {
      err.println("holdfast: " + holdfast.getMessage());
      return EXIT_FAILURE;
    }
    err.println("holdfast: unexpected error: " + failure);
    if (System.getenv("HOLDFAST_DEBUG") != null) {
      failure.printStackTrace(err);
    } else {
      err.println("holdfast: set HOLDFAST_DEBUG=1 to see the stack trace");
    }
    return EXIT_FAILURE;
  }
}
