package io.holdfast.cli;

import io.holdfast.AcquireRequest;
import io.holdfast.CampaignRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.Leadership;
import io.holdfast.LeadershipListener;
import io.holdfast.LeadershipLoss;
import io.holdfast.LockWaitTimeoutException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/*
 * holdfast elect --name NAME -- COMMAND...: campaigns in an election through the lock service and runs the command
 * while leader. The leadership's lease is renewed by the client's session keep-alive; if it is lost (expiry, a lost
 * session, a forced release) the command and what it started are stopped (GuardedCommand, shared with `holdfast
 * run`), since it can no longer rely on leading. The listener only records the loss and signals the process; the
 * waiting happens on the command's thread. Runs the command for one term: to lead again, run it again (a
 * supervisor's restart does that).
 */
@Command(
    name = "elect",
    mixinStandardHelpOptions = true,
    description = {"Campaigns in a leader election and runs a command while leader.",
        "",
        "The command gets HOLDFAST_ELECTION and HOLDFAST_FENCING_TOKEN (the term, larger than every earlier"
            + " leader's) in its environment; pass the term to the resources it writes. Exit code: the command's; "
            + RunCommand.EXIT_NOT_ACQUIRED + " if not elected within --wait; " + RunCommand.EXIT_LEASE_LOST
            + " if the leadership was lost and the command stopped.",
        "",
        "The command runs in a process group of its own; on lost leadership the whole group gets SIGTERM"
            + " (SIGKILL 5 s later if it still runs)."},
    footer = {"", "Examples:",
        "  holdfast elect --name scheduler --value \"$(hostname)\" -- ./scheduler.sh",
        "  holdfast elect --name compactor --wait 1m -- ./compact.sh"})
final class ElectCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ServerOption server;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The election (a lock name).")
  String name;

  @Option(names = "--value", paramLabel = "VALUE", defaultValue = "",
      description = "What this candidate announces while leading, e.g. its address (printable ASCII, no spaces).")
  String value;

  @Option(names = "--wait", paramLabel = "DURATION",
      description = "How long to campaign (default: until elected).")
  Duration waitTimeout;

  @Option(names = "--ttl", paramLabel = "DURATION",
      description = "Leadership lease TTL, renewed while leading (default 10s).")
  Duration ttl = Duration.ofSeconds(10);

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments, after --.")
  List<String> command;

  private final AtomicReference<LeadershipLoss> lost = new AtomicReference<>();
  private GuardedCommand child;

  @Override
  public Integer call() throws InterruptedException {
    String uri = server.required();
    PrintWriter err = spec.commandLine().getErr();
    child = new GuardedCommand(command);
    try (Holdfast holdfast = ServiceFailures.connect(HoldfastOptions.builder().backend(uri)
        .clientName("holdfast-elect").build())) {
      Leadership leadership;
      try {
        leadership = holdfast.election(name).campaign(request());
      } catch (LockWaitTimeoutException e) {
        err.println("holdfast: election '" + name + "' still led by another candidate after campaigning "
            + DurationConverter.format(waitTimeout));
        return RunCommand.EXIT_NOT_ACQUIRED;
      }
      int exitCode = child.run(Map.of("HOLDFAST_ELECTION", name,
          "HOLDFAST_FENCING_TOKEN", Long.toString(leadership.term().value())), err);
      if (lost.get() != null) {
        err.println("holdfast: leadership of election '" + name + "' (term " + leadership.term() + ") was lost ("
            + lost.get() + "): the command was stopped");
        return RunCommand.EXIT_LEASE_LOST;
      }
      resignQuietly(leadership, err);
      return exitCode;
    } catch (HoldfastException e) {
      throw ServiceFailures.failure(uri, e);
    }
  }

  private CampaignRequest request() {
    return CampaignRequest.of(value, ttl)
        .withWait(waitTimeout == null ? AcquireRequest.WAIT_FOREVER : waitTimeout)
        .withListener(new LeadershipListener() {
          @Override
          public void elected(Leadership leadership) {
          }

          @Override
          public void lost(Leadership leadership, LeadershipLoss loss) {
            if (loss != LeadershipLoss.RESIGNED) {
              lost.set(loss);
              child.stop();
            }
          }
        });
  }

  private void resignQuietly(Leadership leadership, PrintWriter err) {
    try {
      leadership.resign();
    } catch (HoldfastException e) {
      err.println("holdfast: resigning from election '" + name + "' failed (" + e.getMessage()
          + "); the leadership ends at its TTL");
    }
  }
}
