package io.holdfast.cli;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LeaseLostReason;
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
 * holdfast run --lock NAME -- COMMAND...: flock(1) for a fleet. Holds the lock through the lock service while
 * the command runs (the client's session keep-alive renews it), hands the command its fencing token, and kills
 * the command (and what it started, GuardedCommand) if the lease is lost, since the command can then no longer rely
 * on holding it. The lease-lost listener only sets a reference and signals the process; the waiting happens on the
 * command's thread.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {"Runs a command while holding a lock, like flock(1) for a fleet.",
        "The command gets HOLDFAST_LOCK and HOLDFAST_FENCING_TOKEN in its environment; pass the token to the",
        "resources it writes. Exit code: the command's; " + RunCommand.EXIT_NOT_ACQUIRED + " if the lock was not",
        "acquired within --wait; " + RunCommand.EXIT_LEASE_LOST + " if the lease was lost and the command killed."})
final class RunCommand implements Callable<Integer> {
  static final int EXIT_NOT_ACQUIRED = 75;
  static final int EXIT_LEASE_LOST = 69;

  @Spec
  CommandSpec spec;

  @Mixin
  ServerOption server;

  @Option(names = "--lock", required = true, paramLabel = "NAME", description = "The lock to hold.")
  String lock;

  @Option(names = "--wait", paramLabel = "DURATION",
      description = "How long to wait for the lock (default: until it is free).")
  Duration waitTimeout;

  @Option(names = "--ttl", paramLabel = "DURATION", description = "Lease TTL, renewed while running (default 10s).")
  Duration ttl = Duration.ofSeconds(10);

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments, after --.")
  List<String> command;

  private final AtomicReference<LeaseLostReason> lost = new AtomicReference<>();
  private GuardedCommand child;

  @Override
  public Integer call() throws InterruptedException {
    String uri = server.required();
    PrintWriter err = spec.commandLine().getErr();
    child = new GuardedCommand(command);
    try (Holdfast holdfast = ServiceFailures.connect(HoldfastOptions.builder().backend(uri).clientName("holdfast-run")
        .build())) {
      Lease lease;
      try {
        lease = holdfast.acquire(request());
      } catch (LockWaitTimeoutException e) {
        err.println("holdfast: lock '" + lock + "' still held by another owner after waiting "
            + DurationConverter.format(waitTimeout));
        return EXIT_NOT_ACQUIRED;
      }
      try {
        return runHolding(lease, err);
      } finally {
        releaseQuietly(lease, err);
      }
    } catch (HoldfastException e) {
      throw ServiceFailures.failure(uri, e);
    }
  }

  private AcquireRequest request() {
    return AcquireRequest.of(lock, ttl)
        .withWait(waitTimeout == null ? AcquireRequest.WAIT_FOREVER : waitTimeout)
        .onLeaseLost((lease, reason) -> {
          lost.set(reason);
          child.stop();
        });
  }

  private int runHolding(Lease lease, PrintWriter err) throws InterruptedException {
    int exitCode = child.run(Map.of("HOLDFAST_LOCK", lock,
        "HOLDFAST_FENCING_TOKEN", Long.toString(lease.fencingToken().value())), err);
    if (lost.get() != null) {
      err.println("holdfast: lease on lock '" + lock + "' was lost (" + lost.get() + "): the command was killed");
      return EXIT_LEASE_LOST;
    }
    return exitCode;
  }

  private void releaseQuietly(Lease lease, PrintWriter err) {
    if (lost.get() != null) {
      return;
    }
    try {
      lease.release();
    } catch (HoldfastException e) {
      err.println("holdfast: releasing lock '" + lock + "' failed (" + e.getMessage() + "); it expires at its TTL");
    }
  }
}
