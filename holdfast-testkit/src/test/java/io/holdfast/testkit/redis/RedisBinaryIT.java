package io.holdfast.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded fallback as a fresh CI machine sees it: no {@code redis-server} on {@code PATH} and no
 * system property forcing anything. Runs in a child JVM, as the environment cannot change in this one.
 */
@Timeout(120)
class RedisBinaryIT {

  @Test
  void locate_noRedisServerOnPath_startsEmbeddedServer() throws Exception {
    ServerProbe.Run jvm = ServerProbe.start("exit", env -> {
      env.remove(RedisBinary.SERVER_ENV);
      env.put("PATH", "/nonexistent-holdfast-path");
    });

    assertThat(jvm.report()).containsEntry("source", "EMBEDDED").containsEntry("ping", "PONG");
    assertThat(jvm.awaitExit()).isTrue();
  }
}
