package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.LockTraffic;
import io.holdfast.testkit.redis.RedisServer;
import io.holdfast.testkit.redis.SentinelTopology;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentinel failover under lock traffic THROUGH THE SERVICE: two service instances on redis-sentinel://, clients
 * acquiring, writing to a fenced resource and releasing through them; the master is SIGKILLed, the sentinels
 * promote a replica, the service follows it (RedisDeployment asks the sentinels again on reconnect) and the
 * clients carry on. No grant ever gets a token lower than one granted before it, and the fenced resource never
 * sees a token go backwards. Runs in the {@code ha} profile.
 */
@Tag("ha")
@Timeout(180)
class ServiceSentinelFailoverIT {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceSentinelFailoverIT.class);
  private static final List<String> NAMES = List.of("failover/a", "failover/b", "failover/c");

  @Test
  void masterKilledDuringTraffic_serviceFollowsPromotedReplica_tokensNeverGoBack() {
    try (SentinelTopology sentinel = SentinelTopology.start();
        HoldfastServer first = start(sentinel);
        HoldfastServer second = start(sentinel);
        Holdfast one = connect(first);
        Holdfast two = connect(second);
        LockTraffic traffic = new LockTraffic(List.of(one, two), NAMES, 6, Duration.ofSeconds(2),
            Duration.ofMillis(10))) {
      traffic.awaitGrants(60, Duration.ofSeconds(60));
      long killedAt = System.nanoTime();
      RedisServer old = sentinel.killMaster();
      RedisServer promoted = sentinel.awaitFailover(old, Duration.ofSeconds(60));
      long promotedAt = System.nanoTime();
      traffic.awaitGrants(60, Duration.ofSeconds(60));
      LockTraffic.Grant resumed = traffic.firstGrantAfter(killedAt).orElseThrow();
      LOG.info("Sentinel failover through the service: master {} killed; {} promoted after {} ms; first grant "
              + "{} ms after the kill; {} grants, {} failures, {} stale writes refused", old.port(), promoted.port(),
          millis(promotedAt - killedAt), millis(resumed.grantedNanos() - killedAt), traffic.grantCount(),
          traffic.failures(), traffic.staleWrites());
      assertThat(traffic.tokensGoingBackwards()).isEmpty();
      assertThat(traffic.staleWrites()).as("fenced resource saw a token go backwards").isZero();
      // Both instances follow the promotion through Sentinel, so both report ready again.
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(List.of(first.isReady(), second.isReady())).containsOnly(true));
    }
  }

  private static HoldfastServer start(SentinelTopology sentinel) {
    return HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(sentinel.uri()))
        .redisTimeout(Duration.ofSeconds(1)).recheckInterval(Duration.ofMillis(200))
        .shutdownGrace(Duration.ofSeconds(1)).build());
  }

  private static Holdfast connect(HoldfastServer server) {
    return Holdfast.connect(HoldfastOptions.builder().backend(server.uri() + "?session-ttl=10s")
        .retryBudget(Duration.ofSeconds(30)).build());
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
