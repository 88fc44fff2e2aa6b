package io.holdfast.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * {@link RedisExtension} with its defaults. What the extension does between two tests (keep data, heal a paused or
 * killed server) is seen by running {@link Sequence}, whose ordered steps write, pause and kill, through the JUnit
 * launcher, and then asserting what each later step observed: a step that only sets up state is no test here.
 */
@Timeout(120)
class RedisExtensionIT {

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static int portAtStart;

  @BeforeAll
  static void rememberPort(RedisServer server) {
    portAtStart = server.port();
  }

  @Test
  void server_beforeAll_runsAndResolvesAsParameter(RedisServer server) {
    assertThat(server).isSameAs(redis.server());
    assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + portAtStart);
    assertThat(server.command("PING")).isEqualTo("PONG");
  }

  @Test
  void flushAll_withKeys_emptiesServer() {
    redis.server().command("SET", "some", "key");

    redis.flushAll();

    assertThat(redis.server().command("DBSIZE")).isEqualTo(0L);
  }

  @Test
  void betweenTests_dataKeptAndPausedOrKilledServerHealedOnItsPort() {
    Sequence.seen.clear();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(Sequence.class)).build(), listener);
    TestExecutionSummary summary = listener.getSummary();

    assertThat(summary.getFailures()).as("failures of the sequence's steps").isEmpty();
    assertThat(summary.getTestsSucceededCount()).isEqualTo(6);
    assertThat(Sequence.seen).containsExactlyInAnyOrderEntriesOf(Map.of(
        "kept", "yes",
        "pausedAfterPause", true,
        "pingAfterPause", "PONG",
        "runningAfterKill", false,
        "samePortAfterKill", true,
        "pingAfterKill", "PONG"));
  }

  /** Steps run only by {@link #betweenTests_dataKeptAndPausedOrKilledServerHealedOnItsPort}, in this order. */
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class Sequence {
    static final Map<String, Object> seen = new ConcurrentHashMap<>();

    @RegisterExtension
    static RedisExtension sequenceRedis = new RedisExtension();

    private static int port;

    @Test
    @Order(1)
    void write() {
      port = sequenceRedis.server().port();
      sequenceRedis.server().command("SET", "kept", "yes");
    }

    @Test
    @Order(2)
    void readWhatTheLastStepWrote() {
      seen.put("kept", String.valueOf(sequenceRedis.server().command("GET", "kept")));
    }

    @Test
    @Order(3)
    void pause() {
      sequenceRedis.server().pause();
      seen.put("pausedAfterPause", sequenceRedis.server().isPaused());
    }

    @Test
    @Order(4)
    void pingAfterPause() {
      seen.put("pingAfterPause", sequenceRedis.server().command("PING"));
    }

    @Test
    @Order(5)
    void kill() {
      sequenceRedis.server().kill();
      seen.put("runningAfterKill", sequenceRedis.server().isRunning());
    }

    @Test
    @Order(6)
    void pingAfterKill() {
      seen.put("samePortAfterKill", sequenceRedis.server().port() == port);
      seen.put("pingAfterKill", sequenceRedis.server().command("PING"));
    }
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
