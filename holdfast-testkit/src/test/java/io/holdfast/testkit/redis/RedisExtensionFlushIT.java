package io.holdfast.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisExtension} configured through its builder, flushing between tests. */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisExtensionFlushIT {

  @RegisterExtension
  static RedisExtension redis = RedisExtension.builder()
      .arg("--maxmemory", "10mb")
      .persistence(true)
      .flushBetweenTests()
      .build();

  @Test
  @Order(1)
  void flushBetweenTests_firstTest_writesKey(RedisServer server) {
    server.command("SET", "gone", "soon");

    assertThat(server.command("CONFIG", "GET", "maxmemory")).isEqualTo(List.of("maxmemory", "10485760"));
    assertThat(server.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "yes"));
  }

  @Test
  @Order(2)
  void flushBetweenTests_nextTest_startsEmpty(RedisServer server) {
    assertThat(server.command("DBSIZE")).isEqualTo(0L);
  }
}
