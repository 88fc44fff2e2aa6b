package io.holdfast.cli;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LockName;
import io.holdfast.LockState;
import io.holdfast.server.HoldfastServer;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/*
 * holdfast inspect NAME --redis URI: who holds a lock right now, as Redis sees it, whichever way it was taken. The
 * lock service stores a tenant's NAME as the library lock TENANT/NAME, so with --tenant that is what is read;
 * without it, NAME as a library lock and as a lock of the service's open tenant (authentication off). Read-only.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {"Shows who holds a lock: owner, fencing token, hold count and remaining TTL, or 'free'.",
        "Reads Redis directly, so it sees locks taken by library clients and through the lock service alike.",
        "A snapshot for diagnosis; it may be stale as soon as it is printed."},
    footer = {"", "Examples:",
        "  holdfast inspect orders/42 --redis redis://127.0.0.1:6379",
        "  holdfast inspect orders/42 --tenant acme --redis redis://127.0.0.1:6379"})
final class InspectCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--redis", paramLabel = "URI", required = true, converter = RedisOption.UriConverter.class,
      description = RedisOption.DESCRIPTION)
  URI redis;

  @Option(names = "--tenant", paramLabel = "TENANT",
      description = "The lock service tenant the lock was taken in (the service keeps NAME as TENANT/NAME).")
  String tenant;

  @Parameters(index = "0", paramLabel = "NAME", description = "The lock name.")
  String name;

  @Override
  public Integer call() {
    List<LockName> candidates = candidates();
    HoldfastOptions options = HoldfastOptions.builder().backend(redis.toString())
        .clientName("holdfast-cli-inspect").build();
    PrintWriter out = spec.commandLine().getOut();
    try (Holdfast holdfast = Backends.connect(options)) {
      boolean found = false;
      for (LockName lock : candidates) {
        Optional<LockState> state = holdfast.inspect(lock.value());
        if (state.isPresent() || candidates.size() == 1) {
          print(out, lock, state);
          found |= state.isPresent();
        }
      }
      if (!found && candidates.size() > 1) {
        print(out, candidates.get(0), Optional.empty());
        out.println("  (not held as a library lock, nor by the lock service's open tenant '"
            + HoldfastServer.OPEN_TENANT + "'; a lock taken through the service with a token is stored as"
            + " TENANT/NAME: add --tenant TENANT)");
      }
    } catch (HoldfastException e) {
      throw Backends.failure(redis.toString(), e);
    }
    return 0;
  }

  /* The stored names to read; a bad name is a usage error, reported before connecting. */
  private List<LockName> candidates() {
    try {
      if (tenant != null) {
        return List.of(LockName.of(tenant + "/" + name));
      }
      LockName plain = LockName.of(name);
      return List.of(plain, LockName.of(HoldfastServer.OPEN_TENANT + "/" + name));
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
