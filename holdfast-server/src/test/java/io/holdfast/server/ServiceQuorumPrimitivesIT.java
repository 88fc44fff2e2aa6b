package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.Holdfast;
import io.holdfast.InvalidArgumentException;
import io.holdfast.testkit.redis.IndependentMasters;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A service on independent masters refuses read/write locks and semaphores, as the library does there. */
@Timeout(60)
class ServiceQuorumPrimitivesIT {
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
  void readWriteLockAndSemaphore_serviceOnIndependentMasters_refusedWithInvalidArgument() {
    try (Holdfast client = Holdfast.connect(server.uri().toString())) {
      assertThatThrownBy(() -> client.readWriteLock("q").writeLock().acquire(Duration.ofSeconds(5)))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not available on independent masters");
      assertThatThrownBy(() -> client.semaphore("q", 2).acquire(Duration.ofSeconds(5)))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not available on independent masters");
    }
  }
}
