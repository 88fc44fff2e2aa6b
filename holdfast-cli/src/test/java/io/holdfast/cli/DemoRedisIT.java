package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.testkit.redis.RedisExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/* The demo and inspect against a real redis-server started by the test kit. */
@Timeout(90)
class DemoRedisIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @Test
  void demo_redisWithCrashesAndStalls_endsWithoutViolations() {
    CliRun run = CliRun.of("demo", "--redis", redis.uri(), "--nodes", "10", "--locks", "3", "--duration", "3s",
        "--ttl", "300ms", "--crash-rate", "0.1", "--stall-rate", "0.1", "--quiet");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).as(run.toString()).contains("backend:", "redis://127.0.0.1:");
    assertThat(run.out().stripTrailing()).endsWith("fencing violations: 0");
    assertThat(run.summaryValue("acquisitions")).as(run.toString()).isPositive();
    assertThat(run.summaryValue("lease expiries")).as(run.toString()).isPositive();
  }

  @Test
  void inspect_heldLock_printsOwnerTokenHoldCountAndTtl() {
    try (Holdfast client = Holdfast.connect(redis.uri());
         Lease lease = client.acquire("cli-it/held", Duration.ofSeconds(30))) {
      CliRun run = CliRun.of("inspect", "cli-it/held", "--redis", redis.uri());

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).contains("lock 'cli-it/held': held", "owner:         " + lease.owner(),
          "fencing token: " + lease.fencingToken(), "hold count:    1", "remaining TTL: ");
    }
  }

  @Test
  void inspect_freeLock_printsFree() {
    CliRun run = CliRun.of("inspect", "cli-it/free", "--redis", redis.uri());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out().lines().findFirst()).contains("lock 'cli-it/free': free");
    assertThat(run.out()).contains("add --tenant TENANT");
  }
}
