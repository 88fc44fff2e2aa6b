package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.InvalidArgumentException;
import io.holdfast.testkit.redis.IndependentMasters;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A service on independent masters refuses fair requests (docs/fair-lock.md), never serves them as plain ones. */
@Timeout(60)
class ServiceQuorumFairLockIT {
  private static IndependentMasters masters;
  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    masters = IndependentMasters.start(3);
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(masters.uri())).build());
  }

  @AfterAll
  static void stop() {
    server.close();
    masters.close();
  }

  @Test
  void fairAcquire_serviceOnIndependentMasters_refusedWithInvalidArgument() {
    try (Holdfast client = Holdfast.connect(server.uri().toString())) {
      AcquireRequest request = AcquireRequest.of("fair/quorum", Duration.ofSeconds(5)).withFair(true);
      assertThatThrownBy(() -> client.acquire(request))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("fair locks are not available");
    }
  }
}
