package io.holdfast.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Commands Redis executed in a window, from INFO commandstats, and the bytes that crossed its sockets.
 * Commands run inside a Lua script count too (Redis counts them in commandstats): they are work the server
 * does for a lock, and a failed attempt's script still runs them, so a thundering herd shows either way.
 * {@link #scripts()} counts the script calls alone, which for the libraries is one per request.
 *
 * @param calls calls per command name (lower case, subcommands as {@code config|get})
 * @param inputBytes bytes received by Redis
 * @param outputBytes bytes sent by Redis
 * @param elapsed the window
 * @param serverCpu CPU time the Redis process used (user + system, from INFO cpu)
 * @param clientCpu CPU time this JVM used: the contender's client plus the harness's workers, which do
 *     nothing but call the client
 * @param serviceCpu CPU time the contender's service process used (see {@link Contender#serviceCpu}), or empty
 *     for a contender without one
 */
record CommandDelta(Map<String, Long> calls, long inputBytes, long outputBytes, Duration elapsed,
    Duration serverCpu, Duration clientCpu, Optional<Duration> serviceCpu) {
  private static final Set<String> SCRIPTS = Set.of("eval", "evalsha", "eval_ro", "evalsha_ro", "fcall");
  private static final Set<String> PUBSUB = Set.of("subscribe", "unsubscribe", "psubscribe", "punsubscribe",
      "ssubscribe", "sunsubscribe");

  static final CommandDelta EMPTY = new CommandDelta(Map.of(), 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO,
      Optional.empty());

  CommandDelta {
    calls = Map.copyOf(calls);
    Objects.requireNonNull(serviceCpu, "serviceCpu");
  }

  long total() {
    return calls.values().stream().mapToLong(Long::longValue).sum();
  }

  long scripts() {
    return sum(SCRIPTS);
  }

  long subscriptions() {
    return sum(PUBSUB);
  }

  long bytes() {
    return inputBytes + outputBytes;
  }

  CommandDelta plus(CommandDelta other) {
    Map<String, Long> merged = new HashMap<>(calls);
    other.calls.forEach((command, count) -> merged.merge(command, count, Long::sum));
    return new CommandDelta(merged, inputBytes + other.inputBytes, outputBytes + other.outputBytes,
        elapsed.plus(other.elapsed), serverCpu.plus(other.serverCpu), clientCpu.plus(other.clientCpu),
        plus(serviceCpu, other.serviceCpu));
  }

  /** A sum over slices: empty ones ({@link #EMPTY}, the start of every sum) add nothing. */
  private static Optional<Duration> plus(Optional<Duration> a, Optional<Duration> b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : Optional.of(a.get().plus(b.get()));
  }

  private long sum(Set<String> names) {
    return calls.entrySet().stream().filter(e -> names.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
  }
}
