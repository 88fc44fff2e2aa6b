package io.holdfast.cli;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LockName;
import io.holdfast.LockState;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/* holdfast inspect NAME --redis URI: who holds a lock right now, as Redis sees it. Read-only. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {"Shows who holds a lock: owner, fencing token, hold count and remaining TTL, or 'free'.",
        "A snapshot for diagnosis; it may be stale as soon as it is printed."})
final class InspectCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  RedisOption redis;

  @Parameters(index = "0", paramLabel = "NAME", description = "The lock name.")
  String name;

  @Override
  public Integer call() {
    URI uri = redis.required();
    LockName lock = parseName();
    HoldfastOptions options = HoldfastOptions.builder().backend(uri.toString())
        .clientName("holdfast-cli-inspect").build();
    Optional<LockState> state;
    try (Holdfast holdfast = Backends.connect(options)) {
      state = holdfast.inspect(lock.value());
    } catch (HoldfastException e) {
      throw Backends.failure(uri.toString(), e);
    }
    print(spec.commandLine().getOut(), lock, state);
    return 0;
  }

  /* A bad name is a usage error, reported before connecting. */
  private LockName parseName() {
    try {
      return LockName.of(name);
    } catch (InvalidArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for NAME: " + e.getMessage());
    }
  }

  static void print(PrintWriter out, LockName lock, Optional<LockState> state) {
    if (state.isEmpty()) {
      out.println("lock '" + lock + "': free");
      return;
    }
    LockState held = state.get();
    out.println("lock '" + lock + "': held");
    out.println("  owner:         " + held.owner());
    out.println("  fencing token: " + held.fencingToken());
    out.println("  hold count:    " + held.holdCount());
    out.println("  remaining TTL: " + DurationConverter.format(held.remainingTtl()));
  }
}
