package io.holdfast.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A redis-server must never outlive the JVM that started it. Each test runs {@link ServerProbe} in a
 * child JVM that starts a server and never stops it, then ends that JVM.
 */
@Timeout(120)
class RedisServerOrphanIT {

  private static final Duration GENEROUS = Duration.ofSeconds(30);

  @Test
  void jvmExit_serverNeverClosed_serverAndWorkingDirectoryGone() throws Exception {
    ServerProbe.Run jvm = ServerProbe.start("exit", env -> { });
    Path workDir = Path.of(jvm.report().get("dir"));
    assertThat(workDir).isDirectory();

    assertThat(jvm.awaitExit()).as("probe JVM exits").isTrue();

    await().atMost(GENEROUS).until(() -> Processes.isGone(jvm.redisPid()));
    assertThat(workDir).as("deleted by the shutdown hook").doesNotExist();
  }

  @Test
  void jvmSigkill_serverNeverStopped_orphanGuardKillsServer() throws Exception {
    ServerProbe.Run jvm = ServerProbe.start("hang", env -> { });
    assertThat(Processes.isGone(jvm.redisPid())).isFalse();

    // Not reaped on purpose before the check: a dead JVM nobody reaps must still count as dead.
    jvm.jvm().process().destroyForcibly();

    await().atMost(GENEROUS).until(() -> Processes.isGone(jvm.redisPid()));
    jvm.awaitExit();
    // No shutdown hook ran in the killed JVM, so its server's working directory is ours to remove.
    JvmExit.deleteRecursively(Path.of(jvm.report().get("dir")));
  }
}
