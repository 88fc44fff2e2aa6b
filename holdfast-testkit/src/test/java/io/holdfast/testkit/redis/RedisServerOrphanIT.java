package io.holdfast.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A redis-server must never outlive the JVM that started it. Each test runs {@link OrphanProbe} in a
 * child JVM that starts a server and never stops it, then ends that JVM.
 */
@Timeout(120)
class RedisServerOrphanIT {

  private static final Duration GENEROUS = Duration.ofSeconds(30);

  @Test
  void jvmExit_serverNeverStopped_shutdownHookKillsServer() throws Exception {
    Process jvm = probe("exit");
    long redisPid = readPid(jvm);

    assertThat(jvm.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS)).as("probe JVM exits").isTrue();

    await().atMost(GENEROUS).until(() -> Processes.isGone(redisPid));
  }

  @Test
  void jvmSigkill_serverNeverStopped_orphanGuardKillsServer() throws Exception {
    Process jvm = probe("hang");
    long redisPid = readPid(jvm);
    assertThat(Processes.isGone(redisPid)).isFalse();

    jvm.destroyForcibly().waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS);

    await().atMost(GENEROUS).until(() -> Processes.isGone(redisPid));
  }

  private static Process probe(String mode) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    // Surefire and failsafe may boot through a manifest-only jar; this property has the real class path.
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return new ProcessBuilder(java, "-cp", classPath, OrphanProbe.class.getName(), mode)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private static long readPid(Process jvm) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("pid=")) {
        return Long.parseLong(line.substring(4));
      }
    }
    throw new AssertionError("probe JVM ended (" + exitCode(jvm) + ") before printing the server pid");
  }

  private static String exitCode(Process jvm) {
    try {
      return jvm.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS) ? "exit code " + jvm.exitValue() : "no exit";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
