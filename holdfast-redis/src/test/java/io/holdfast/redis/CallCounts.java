package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.testkit.redis.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the Redis commands a client sends per lock operation, from {@code INFO commandstats} summed over
 * every node of a topology. Only commands a client sends are counted (EVALSHA, EVAL, WAIT); the commands a
 * script runs inside Redis are not round trips. Operations go through the Holdfast client, uncontended, without
 * auto-renewal, so that each phase is exactly the operation measured.
 */
final class CallCounts {
  private static final Logger LOG = LoggerFactory.getLogger(CallCounts.class);
  private static final List<String> CLIENT_COMMANDS = List.of("evalsha", "eval", "wait");
  private static final int ROUNDS = 20;

  /** Commands per operation, averaged over the rounds. */
  record PerOperation(double acquire, double renew, double release) {
    @Override
    public String toString() {
      return "acquire=" + acquire + " renew=" + renew + " release=" + release;
    }
  }

  private CallCounts() { }

  static PerOperation measure(String topology, Holdfast client, List<RedisServer> nodes) {
    List<Lease> leases = new ArrayList<>();
    reset(nodes);
    for (int i = 0; i < ROUNDS; i++) {
      leases.add(client.acquire(AcquireRequest.of("calls/" + UUID.randomUUID(), java.time.Duration.ofSeconds(30))
          .withoutAutoRenew()));
    }
    double acquire = calls(nodes) / (double) ROUNDS;
    reset(nodes);
    leases.forEach(Lease::renew);
    double renew = calls(nodes) / (double) ROUNDS;
    reset(nodes);
    leases.forEach(Lease::release);
    double release = calls(nodes) / (double) ROUNDS;
    PerOperation result = new PerOperation(acquire, renew, release);
    LOG.info("Redis commands per operation on {}: {}", topology, result);
    assertThat(leases).hasSize(ROUNDS);
    return result;
  }

  static void reset(List<RedisServer> nodes) {
    nodes.stream().filter(RedisServer::isRunning).forEach(node -> node.command("CONFIG", "RESETSTAT"));
  }

  /** EVALSHA + EVAL + WAIT calls over all running nodes since the last reset. */
  static long calls(List<RedisServer> nodes) {
    long total = 0;
    for (RedisServer node : nodes) {
      if (node.isRunning()) {
        for (String command : CLIENT_COMMANDS) {
          total += RedisItSupport.commandCalls(node, command);
        }
      }
    }
    return total;
  }

  /** Calls of one command over all running nodes since the last reset. */
  static long calls(List<RedisServer> nodes, String command) {
    return nodes.stream().filter(RedisServer::isRunning).mapToLong(n -> RedisItSupport.commandCalls(n, command)).sum();
  }
}
