package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.LockTraffic;
import io.holdfast.testkit.redis.RedisServer;
import io.holdfast.testkit.redis.SentinelTopology;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentinel failover under lock traffic: the master is SIGKILLed while clients acquire, write to a fenced
 * resource and release; the sentinels promote a replica; the clients carry on against it, and no grant ever
 * gets a token lower than one granted before it. Runs in the {@code ha} profile.
 */
@Tag("ha")
@Timeout(240)
class SentinelFailoverIT {
  private static final Logger LOG = LoggerFactory.getLogger(SentinelFailoverIT.class);
  private static final List<String> NAMES = List.of("failover/a", "failover/b", "failover/c");

  @Test
  void masterKilledDuringTraffic_clientsContinueOnPromotedReplica_tokensNeverGoBack() {
    runFailover("");
  }

  @Test
  void masterKilledDuringTraffic_withWaitReplicas_clientsContinueAndTokensNeverGoBack() {
    runFailover("&waitReplicas=1&waitTimeout=200ms");
  }

  /**
   * A manual failover ({@code SENTINEL FAILOVER}): the old master stays up and is demoted to a replica while the
   * clients are connected to it. Sentinel disconnects the clients of an instance it reconfigures, so they
   * reconnect, ask the sentinels again and carry on against the new master.
   */
  @Test
  void manualFailover_oldMasterDemotedUnderConnectedClients_clientsFollowTheNewMaster() {
    try (SentinelTopology sentinel = SentinelTopology.start();
        Holdfast first = connect(sentinel.uri(), "manual-1");
        Holdfast second = connect(sentinel.uri(), "manual-2");
        LockTraffic traffic = new LockTraffic(List.of(first, second), NAMES, 6, Duration.ofSeconds(2),
            Duration.ofMillis(10))) {
      traffic.awaitGrants(100, Duration.ofSeconds(60));
      RedisServer old = sentinel.master();
      long startedAt = System.nanoTime();
      sentinel.sentinels().get(0).command("SENTINEL", "FAILOVER", SentinelTopology.MASTER_NAME);
      RedisServer promoted = sentinel.awaitFailover(old, Duration.ofSeconds(60));
      long promotedAt = System.nanoTime();
      traffic.awaitGrants(100, Duration.ofSeconds(60));
      LockTraffic.Grant onNewMaster = traffic.firstGrantAfter(promotedAt, NAMES).orElseThrow();
      LOG.info("Manual Sentinel failover: {} demoted, {} promoted after {} ms; first grant started after the "
              + "promotion came {} ms after it; {} grants, {} transient failures", old.port(), promoted.port(),
          millis(promotedAt - startedAt), millis(onNewMaster.grantedNanos() - promotedAt), traffic.grants().size(),
          traffic.failures());
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> "slave".equals(old.info("replication").get("role")));
      assertThat(traffic.tokensGoingBackwards()).isEmpty();
    }
  }

  private void runFailover(String query) {
    try (SentinelTopology sentinel = SentinelTopology.start();
        Holdfast first = connect(sentinel.uri() + query, "failover-1");
        Holdfast second = connect(sentinel.uri() + query, "failover-2");
        LockTraffic traffic = new LockTraffic(List.of(first, second), NAMES, 6, Duration.ofSeconds(2),
            Duration.ofMillis(10))) {
      traffic.awaitGrants(100, Duration.ofSeconds(60));
      long killedAt = System.nanoTime();
      RedisServer old = sentinel.killMaster();
      RedisServer promoted = sentinel.awaitFailover(old, Duration.ofSeconds(60));
      long promotedAt = System.nanoTime();
      traffic.awaitGrants(100, Duration.ofSeconds(60));
      LockTraffic.Grant resumed = traffic.firstGrantAfter(killedAt, NAMES).orElseThrow();
      LOG.info("Sentinel failover{}: master {} killed; {} promoted after {} ms; first grant {} ms after the kill "
              + "({} ms after promotion); {} grants, {} transient failures, {} stale writes rejected",
          query.isEmpty() ? "" : " (" + query + ")", old.port(), promoted.port(), millis(promotedAt - killedAt),
          millis(resumed.grantedNanos() - killedAt), millis(resumed.grantedNanos() - promotedAt),
          traffic.grants().size(), traffic.failures(), traffic.staleWrites());

      old.restart(); // back empty; the sentinels turn it into a replica of the new master
      sentinel.awaitReady(Duration.ofSeconds(60));
      traffic.awaitGrants(50, Duration.ofSeconds(30));

      assertThat(traffic.tokensGoingBackwards()).isEmpty();
      assertThat(millis(resumed.grantedNanos() - killedAt)).as("grants resumed after the kill").isLessThan(30_000);
    }
  }

  private static Holdfast connect(String uri, String name) {
    return Holdfast.connect(HoldfastOptions.builder().backend(uri).clientName(name)
        .operationTimeout(Duration.ofSeconds(1)).retryBudget(Duration.ofSeconds(30)).build());
  }

  static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
