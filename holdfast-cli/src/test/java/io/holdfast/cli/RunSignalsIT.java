package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.Holdfast;
import io.holdfast.server.HoldfastServer;
import io.holdfast.server.ServerConfig;
import io.holdfast.server.TokenGrant;
import io.holdfast.testkit.ChildJvm;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code holdfast run} in a real JVM, signalled as cron, systemd, timeout(1) and Ctrl-C do: the command and the
 * background child it started are gone and the lock is free by the time run has exited with 128 + the signal.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RunSignalsIT {
  static final String CLIENT = "run-client-token-00001";

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .token(TokenGrant.parse(CLIENT + ":ops:client")).shutdownGrace(Duration.ofSeconds(1)).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "SIG{0}")
  @CsvSource({"INT, 130", "TERM, 143", "HUP, 129"})
  void run_signalled_groupStoppedLockReleasedThenExit(String signal, int exitCode, @TempDir Path dir)
      throws Exception {
    String uri = "holdfast://" + CLIENT + "@127.0.0.1:" + server.port();
    String name = "signal/" + UUID.randomUUID();
    Path pidFile = dir.resolve("grandchild.pid");
    // A script that leaves a background grandchild, then waits on it: the shape of many cron jobs.
    String script = "sleep 60 & echo $! > " + pidFile + "; echo command-started; wait";
    try (ChildJvm run = ChildJvm.start(HoldfastCli.class, List.of("run", "--lock", name, "--ttl", "30s",
             "--server", uri, "--", "sh", "-c", script), environment -> { });
         Holdfast holdfast = Holdfast.connect(uri)) {
      run.await("command-started", Duration.ofSeconds(60));
      long grandchild = Long.parseLong(Files.readString(pidFile).trim());
      assertThat(holdfast.inspect(name)).as("held while the command runs").isPresent();

      run.signal(signal);

      assertThat(run.awaitExit(Duration.ofSeconds(30))).as("run exits after " + signal).isTrue();
      assertThat(run.process().exitValue()).as(String.join("\n", run.lines())).isEqualTo(exitCode);
      assertThat(ProcessHandle.of(grandchild).filter(ProcessHandle::isAlive)).as("background grandchild").isEmpty();
      assertThat(holdfast.inspect(name)).as("released before run exited").isEmpty();
    }
  }

}
