package io.holdfast.cli;

import io.holdfast.HoldfastException;
import io.holdfast.api.v1.ForceReleaseResponse;
import io.holdfast.api.v1.LockInfo;
import io.holdfast.api.v1.Waiter;
import io.holdfast.client.ServiceAdmin;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/* holdfast lock inspect|release NAME: one lock on a running lock service. */
@Command(
    name = "lock",
    mixinStandardHelpOptions = true,
    description = "Inspects or force-releases one lock on a running lock service.",
    footer = {"", "Examples:",
        "  export HOLDFAST_SERVER=127.0.0.1:7420 HOLDFAST_TOKEN=acme-admin-token-01",
        "  holdfast lock inspect orders/42",
        "  holdfast lock release orders/42 --force"},
    subcommands = {LockCommand.Inspect.class, LockCommand.Release.class, CommandLine.HelpCommand.class})
final class LockCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: choose inspect or release");
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = "Shows the holder of a lock (session, client, token, acquired-at, remaining) and its waiters.",
      footer = {"", "Example:", "  holdfast lock inspect orders/42 --server 127.0.0.1:7420"})
  static final class Inspect implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Parameters(index = "0", paramLabel = "NAME", description = "The lock name.")
    String name;

    @Override
    public Integer call() {
      String uri = server.required();
      LockInfo lock;
      List<Waiter> waiters;
      try (ServiceAdmin admin = LocksCommand.connect(uri)) {
        lock = admin.inspect(name);
        waiters = admin.listWaiters(name);
      } catch (HoldfastException e) {
        throw ServiceFailures.failure(uri, e);
      }
      print(spec.commandLine().getOut(), lock, waiters);
      return 0;
    }

    private void print(PrintWriter out, LockInfo lock, List<Waiter> waiters) {
      out.println("lock '" + name + "': " + LocksCommand.state(lock));
      if (lock.getHeld() || lock.getDelayed()) {
        out.println("  owner:         " + lock.getOwner());
        out.println("  session:       " + lock.getSessionId());
        out.println("  client:        " + lock.getClientName());
        out.println("  fencing token: " + lock.getFencingToken());
        out.println("  hold count:    " + lock.getHoldCount());
        out.println("  acquired at:   " + LocksCommand.acquiredAt(lock));
        out.println("  remaining:     " + DurationConverter.format(Duration.ofMillis(lock.getRemainingMs())));
      }
      out.println("  waiters:       " + waiters.size());
      for (Waiter waiter : waiters) {
        out.println("    session " + waiter.getSessionId() + " (" + waiter.getClientName() + "), owner "
            + waiter.getOwner() + ", waits " + DurationConverter.format(Duration.ofMillis(waiter.getRemainingMs()))
            + " more");
      }
    }
  }

  @Command(name = "release", mixinStandardHelpOptions = true,
      description = {"Force-releases a lock whoever holds it (admin token only).",
          "",
          "The holder's renew and release fail from then on; the next grant's fencing token is larger."},
      footer = {"", "Example:",
          "  HOLDFAST_TOKEN=acme-admin-token-01 holdfast lock release orders/42 --force \\",
          "      --server 127.0.0.1:7420"})
  static final class Release implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServerOption server;

    @Parameters(index = "0", paramLabel = "NAME", description = "The lock name.")
    String name;

    @Option(names = "--force", description = "Required: confirms freeing a lock someone else holds.")
    boolean force;

    @Option(names = "--token", paramLabel = "N", description = "Only if the lock is still at this fencing token.")
    long token;

    @Override
    public Integer call() {
      if (!force) {
        throw new ParameterException(spec.commandLine(),
            "lock release frees a lock held by someone else: pass --force to confirm");
      }
      String uri = server.required();
      ForceReleaseResponse response;
      try (ServiceAdmin admin = LocksCommand.connect(uri)) {
        response = admin.forceRelease(name, token);
      } catch (HoldfastException e) {
        throw ServiceFailures.failure(uri, e);
      }
      spec.commandLine().getOut().println(response.getReleased()
          ? "lock '" + name + "' force-released (fencing token " + response.getFencingToken() + " is now stale)"
          : "lock '" + name + "' was not held; nothing to release");
      return 0;
    }
  }
}
