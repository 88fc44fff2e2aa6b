package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

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
    assumeFalse(ignoredHere(signal), "CANNOT RUN: SIG" + signal + " is ignored in this test's process (started"
        + " under nohup, or as a background job of a shell without job control), so the `holdfast run` it starts"
        + " inherits that and rightly cannot catch it; run the build in the foreground");
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

  /*
   * Whether this process ignores the signal (SigIgn in /proc/self/status): an ignored signal stays ignored across
   * fork and exec, and a JVM cannot catch it. False where /proc does not tell (the test then runs).
   */
  private static boolean ignoredHere(String signal) throws java.io.IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return false;
    }
    int number = switch (signal) {
      case "HUP" -> 1;
      case "INT" -> 2;
      case "TERM" -> 15;
      default -> throw new IllegalArgumentException(signal);
    };
    return Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:"))
        .map(line -> new java.math.BigInteger(line.substring("SigIgn:".length()).trim(), 16))
        .anyMatch(mask -> mask.testBit(number - 1));
  }

}
