package io.holdfast.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.testkit.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service contender runs the lock service in a child JVM: it starts on first connect, serves locks, reports
 * its CPU time, writes its log, and is gone once the contender is closed. No timing is asserted.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HoldfastServiceContenderTest {
  private static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.builder().build().start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Test
  void close_afterAGrantThroughTheChildService_childProcessIsGone(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("service.log");
    HoldfastServiceContender contender = new HoldfastServiceContender(Duration.ZERO, log);
    ProcessHandle child;
    try (Locker locker = contender.connect(new LockerSpec(redis.uri(), "test-0", Duration.ofSeconds(30), true))) {
      child = contender.service().orElseThrow().toHandle();
      assertThat(child.isAlive()).isTrue();
      assertThat(child.pid()).isNotEqualTo(ProcessHandle.current().pid());
      Held held = locker.acquire("service-test", Duration.ofSeconds(5));
      assertThat(held).isNotNull();
      assertThat(held.token()).isPositive();
      held.release();
      assertThat(contender.serviceCpu()).hasValueSatisfying(cpu -> assertThat(cpu).isPositive());
    } finally {
      contender.close();
    }

    assertThat(child.isAlive()).isFalse();
    assertThat(contender.serviceCpu()).isEmpty();
    assertThat(Files.readString(log)).contains(ServiceMain.READY_PREFIX);
  }
}
