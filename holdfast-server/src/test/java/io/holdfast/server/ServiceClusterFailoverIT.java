package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.LockTraffic;
import io.holdfast.testkit.redis.ClusterTopology;
import io.holdfast.testkit.redis.RedisServer;
import io.lettuce.core.cluster.SlotHash;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis Cluster failover under lock traffic through the service: the master serving one of the locks is
 * SIGKILLed, its replica takes the slots over, the service's cluster connection follows, and clients carry on;
 * no grant gets a token lower than one granted before it (the per-slot fence counter failed over with the lock).
 * Runs in the {@code ha} profile.
 */
@Tag("ha")
@Timeout(180)
class ServiceClusterFailoverIT {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceClusterFailoverIT.class);
  private static final List<String> NAMES = List.of("cfail/a", "cfail/b", "cfail/c", "cfail/d");

  @Test
  void masterOfALockKilledDuringTraffic_serviceFollowsReplica_tokensNeverGoBack() {
    try (ClusterTopology cluster = ClusterTopology.start(3, 1, Duration.ofSeconds(2));
        HoldfastServer server = HoldfastServer.start(ServerConfig.builder().port(0)
            .redis(URI.create(cluster.uri())).redisTimeout(Duration.ofSeconds(1))
            .recheckInterval(Duration.ofMillis(200)).shutdownGrace(Duration.ofSeconds(1)).build());
        Holdfast one = connect(server);
        Holdfast two = connect(server);
        LockTraffic traffic = new LockTraffic(List.of(one, two), NAMES, 8, Duration.ofSeconds(3),
            Duration.ofMillis(10))) {
      traffic.awaitGrants(60, Duration.ofSeconds(60));
      int slot = SlotHash.getSlot(Authenticator.OPEN_TENANT + "/" + NAMES.get(0));
      RedisServer victim = cluster.masterOf(slot);
      long killedAt = System.nanoTime();
      victim.kill();
      RedisServer promoted = cluster.awaitFailover(victim, slot, Duration.ofSeconds(60));
      long promotedAt = System.nanoTime();
      traffic.awaitGrants(60, Duration.ofSeconds(60));
      LOG.info("Cluster failover through the service: master {} killed; {} serves slot {} after {} ms; {} grants, "
          + "{} failures, {} stale writes refused", victim.port(), promoted.port(), slot,
          TimeUnit.NANOSECONDS.toMillis(promotedAt - killedAt), traffic.grantCount(), traffic.failures(),
          traffic.staleWrites());
      assertThat(traffic.tokensGoingBackwards()).isEmpty();
      assertThat(traffic.staleWrites()).as("fenced resource saw a token go backwards").isZero();
    }
  }

  private static Holdfast connect(HoldfastServer server) {
    return Holdfast.connect(HoldfastOptions.builder().backend(server.uri() + "?session-ttl=10s")
        .retryBudget(Duration.ofSeconds(30)).build());
  }
}
