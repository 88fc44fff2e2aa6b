package io.holdfast.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisExtension} with its defaults. The methods run in order on purpose: each fault test is
 * followed by one proving the extension healed the server before it.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisExtensionIT {

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static int portAtStart;

  @BeforeAll
  static void rememberPort(RedisServer server) {
    portAtStart = server.port();
  }

  @Test
  @Order(1)
  void server_beforeAll_runsAndResolvesAsParameter(RedisServer server) {
    assertThat(server).isSameAs(redis.server());
    assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + portAtStart);
    assertThat(server.command("PING")).isEqualTo("PONG");
  }

  @Test
  @Order(2)
  void data_writtenByOneTest_isLeftForTheNext() {
    redis.server().command("SET", "kept", "yes");
  }

  @Test
  @Order(3)
  void data_withoutFlushBetweenTests_survives() {
    assertThat(redis.server().command("GET", "kept")).isEqualTo("yes");
  }

  @Test
  @Order(4)
  void flushAll_withKeys_emptiesServer() {
    redis.flushAll();

    assertThat(redis.server().command("DBSIZE")).isEqualTo(0L);
  }

  @Test
  @Order(5)
  void heal_testPausesServer_leavesItPaused() {
    redis.server().pause();

    assertThat(redis.server().isPaused()).isTrue();
  }

  @Test
  @Order(6)
  void heal_afterPausingTest_serverAnswers() {
    assertThat(redis.server().isPaused()).isFalse();
    assertThat(redis.server().command("PING")).isEqualTo("PONG");
  }

  @Test
  @Order(7)
  void heal_testKillsServer_leavesItDown() {
    redis.server().kill();

    assertThat(redis.server().isRunning()).isFalse();
  }

  @Test
  @Order(8)
  void heal_afterKillingTest_serverAnswersOnSamePort() {
    assertThat(redis.server().port()).isEqualTo(portAtStart);
    assertThat(redis.server().command("PING")).isEqualTo("PONG");
  }

  @Nested
  class NestedTests {

    @Test
    void server_nestedClass_sharesOuterServer(RedisServer server) {
      assertThat(server.port()).isEqualTo(portAtStart);
      assertThat(server.command("PING")).isEqualTo("PONG");
    }
  }
}
