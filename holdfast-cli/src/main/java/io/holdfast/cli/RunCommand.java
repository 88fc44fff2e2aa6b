package io.holdfast.cli;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LeaseLostReason;
import io.holdfast.LockWaitTimeoutException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/*
 * holdfast run --lock NAME -- COMMAND...: flock(1) for a fleet. Holds the lock (or a read/write lock's side, or a
 * semaphore's permit: RunTarget) through the lock service while the command runs (the client's batched renewal
 * renews it), hands the command its fencing token, and kills
 * the command if the lease is lost, since the command can then no longer rely on holding it. The lease-lost
 * listener only sets a reference and signals the process; the waiting happens on the command's thread.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {"Runs a command while holding a lock, like flock(1) for a fleet: a lock, the read or write side of a"
        + " read/write lock, or a permit of a semaphore.",
        "",
        "The command gets HOLDFAST_LOCK (the name), HOLDFAST_LOCK_KIND (lock, read, write or permit) and"
            + " HOLDFAST_FENCING_TOKEN in its environment; pass the token to the"
            + " resources it writes. Exit code: the command's; " + RunCommand.EXIT_NOT_ACQUIRED + " if the lock was"
            + " not acquired within --wait; " + RunCommand.EXIT_LEASE_LOST + " if the lease was lost and the command"
            + " killed.",
        "",
        "The command runs in a process group of its own. On SIGINT, SIGTERM or SIGHUP the whole group gets the"
            + " signal (SIGKILL 5 s later if it still runs), the lock is released, and run exits 128 + the"
            + " signal's number (130, 143, 129)."},
    footer = {"", "Examples:",
        "  holdfast run --lock nightly-report --wait 30s -- ./report.sh",
        "  holdfast run --lock db-migrate --server 127.0.0.1:7420 -- make migrate",
        "  holdfast run --read-lock catalog -- ./export-catalog.sh",
        "  holdfast run --write-lock catalog -- ./rebuild-catalog.sh",
        "  holdfast run --semaphore exports --permits 4 -- ./export.sh"})
final class RunCommand implements Callable<Integer> {
  static final int EXIT_NOT_ACQUIRED = 75;
  static final int EXIT_LEASE_LOST = 69;
  static final int EXIT_NOT_STARTED = 127;
  private static final Duration KILL_GRACE = Duration.ofSeconds(5);

  @Spec
  CommandSpec spec;

  @Mixin
  ServerOption server;

  @ArgGroup(exclusive = true, multiplicity = "1")
  RunTarget target;

  @Option(names = "--permits", paramLabel = "N",
      description = "With --semaphore: how many holders the semaphore admits at once (at least 1).")
  Integer permits;

  @Option(names = "--wait", paramLabel = "DURATION",
      description = "How long to wait for the lock (default: until it is free).")
  Duration waitTimeout;

  @Option(names = "--ttl", paramLabel = "DURATION", description = "Lease TTL, renewed while running (default 10s).")
  Duration ttl = Duration.ofSeconds(10);

  @Option(names = "--fair", description = {"With --lock: wait in line: waiters get the lock in the order they arrived",
      "(ordered by Redis), and nobody passes a waiter ahead of it. Use it for every holder of the lock",
      "(docs/fair-lock.md)."})
  boolean fair;

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments, after --.")
  List<String> command;

  private final AtomicReference<LeaseLostReason> lost = new AtomicReference<>();
  private final AtomicReference<CommandGroup> child = new AtomicReference<>();
  private volatile Thread caller;
  private volatile boolean signalled;

  @Override
  public Integer call() throws InterruptedException {
    checkOptions();
    String uri = server.required();
    PrintWriter err = spec.commandLine().getErr();
    caller = Thread.currentThread();
    try (SignalTrap trap = SignalTrap.install(this::onSignal);
         Holdfast holdfast = ServiceFailures.connect(HoldfastOptions.builder().backend(uri).clientName("holdfast-run")
             .build())) {
      Lease lease;
      try {
        lease = target.acquire(holdfast, request(), permits == null ? 1 : permits);
      } catch (LockWaitTimeoutException e) {
        err.println("holdfast: " + (permits == null ? target.describe() + " still held by another owner"
            : "all " + permits + " permits of " + target.describe() + " still held") + " after waiting "
            + DurationConverter.format(waitTimeout));
        return EXIT_NOT_ACQUIRED;
      } catch (HoldfastException e) {
        if (trap.caught().isPresent()) {
          // Interrupted by the signal: closing the client gives back a grant that raced the signal.
          Thread.interrupted();
          return trap.exitCode();
        }
        throw e;
      }
      try {
        int exitCode = runHolding(lease, err);
        return trap.caught().isPresent() ? trap.exitCode() : exitCode;
      } finally {
        awaitStopped();
        releaseQuietly(lease, err);
      }
    } catch (HoldfastException e) {
      throw ServiceFailures.failure(uri, e);
    }
  }

  /* --permits goes with --semaphore and only there; --fair only with --lock (the other kinds have no fair mode). */
  private void checkOptions() {
    if (target.semaphore != null && (permits == null || permits < 1)) {
      throw new ParameterException(spec.commandLine(), "--semaphore needs --permits N (at least 1), was "
          + (permits == null ? "missing" : permits));
    }
    if (target.semaphore == null && permits != null) {
      throw new ParameterException(spec.commandLine(), "--permits goes with --semaphore only");
    }
    if (fair && target.lock == null) {
      throw new ParameterException(spec.commandLine(), "--fair goes with --lock only: the read/write lock and the"
          + " semaphore have no fair mode");
    }
  }

  /*
   * On SIGINT/SIGTERM/SIGHUP: the command's whole group gets the same signal (KILL after the grace period), and
   * call() releases the lock once the group is gone and returns 128 + the signal's number. Before the command
   * runs, the wait for the lock is interrupted instead.
   */
  private void onSignal(String signal) {
    signalled = true;
    CommandGroup running = child.get();
    if (running == null) {
      caller.interrupt();
      return;
    }
    try {
      running.stop(signal, KILL_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private AcquireRequest request() {
    return AcquireRequest.of(target.name(), ttl)
        .withWait(waitTimeout == null ? AcquireRequest.WAIT_FOREVER : waitTimeout)
        .withFair(fair)
        .onLeaseLost((lease, reason) -> {
          lost.set(reason);
          CommandGroup running = child.get();
          if (running != null) {
            running.stopInBackground(KILL_GRACE);
          }
        });
  }

  private int runHolding(Lease lease, PrintWriter err) throws InterruptedException {
    if (signalled) {
      return EXIT_NOT_STARTED;
    }
    CommandGroup process;
    try {
      process = CommandGroup.start(command, Map.of("HOLDFAST_LOCK", target.name(), "HOLDFAST_LOCK_KIND",
          target.kind(), "HOLDFAST_FENCING_TOKEN", Long.toString(lease.fencingToken().value())));
    } catch (IOException e) {
      err.println("holdfast: cannot run '" + command.get(0) + "': " + e.getMessage());
      return EXIT_NOT_STARTED;
    }
    child.set(process);
    if (lost.get() != null || signalled) {
      // The signal or the loss came before the command was published to the handler and listener.
      process.stopInBackground(KILL_GRACE);
    }
    Thread forwarder = new Thread(() -> process.signal("TERM"), "holdfast-run-stop-command");
    Runtime.getRuntime().addShutdownHook(forwarder);
    int exitCode;
    try {
      exitCode = waitFor(process);
    } finally {
      CommandGroup.removeHook(forwarder);
    }
    if (lost.get() != null) {
      err.println("holdfast: lease on " + target.describe() + " was lost (" + lost.get() + "): the command was killed");
      return EXIT_LEASE_LOST;
    }
    return exitCode;
  }

  /* A signal caught before the command was published interrupts this thread; the command is stopped all the same. */
  private int waitFor(CommandGroup process) throws InterruptedException {
    while (true) {
      try {
        return process.waitFor();
      } catch (InterruptedException e) {
        if (!signalled) {
          throw e;
        }
      }
    }
  }

  /*
   * When stopping (a signal or a lost lease), what the command left running (its background children) must be
   * gone before the lock is: they would otherwise go on writing without it. The stop escalates to SIGKILL after
   * the grace period, so this wait ends.
   */
  private void awaitStopped() throws InterruptedException {
    CommandGroup running = child.get();
    if (signalled) {
      Thread.interrupted();
    }
    if (running != null && (signalled || lost.get() != null)) {
      running.awaitGone(KILL_GRACE.multipliedBy(3));
    }
  }

  private void releaseQuietly(Lease lease, PrintWriter err) {
    if (lost.get() != null) {
      return;
    }
    try {
      lease.release();
    } catch (HoldfastException e) {
      err.println("holdfast: releasing " + target.describe() + " failed (" + e.getMessage() + "); it expires at its TTL");
    }
  }
}
