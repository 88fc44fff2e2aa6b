package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.server.HoldfastServer;
import io.holdfast.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code holdfast run --read-lock / --write-lock / --semaphore --permits N}: the command runs while the hold is
 * the library's (readers share, a writer waits for them; at most N permit holders), with its name, kind and token.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RunPrimitivesIT {
  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static CompletableFuture<CliRun> runAsync(String... args) {
    return CompletableFuture.supplyAsync(() -> CliRun.of(args));
  }

  @Test
  void readLock_whileAnotherReaderHolds_runsAtOnceWithItsToken(@TempDir Path dir) throws Exception {
    String name = "run-rw/" + UUID.randomUUID();
    Path seen = dir.resolve("env");
    try (Holdfast reader = Holdfast.connect(server.uri().toString())) {
      Lease read = reader.readWriteLock(name).readLock().acquire(Duration.ofSeconds(30));
      CliRun run = CliRun.of("run", "--read-lock", name, "--wait", "0s", "--server", server.uri().toString(), "--",
          "sh", "-c", "echo $HOLDFAST_LOCK $HOLDFAST_LOCK_KIND $HOLDFAST_FENCING_TOKEN > " + seen);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      String[] env = Files.readString(seen).trim().split(" ");
      assertThat(env[0]).isEqualTo(name);
      assertThat(env[1]).isEqualTo("read");
      assertThat(Long.parseLong(env[2])).isGreaterThan(read.fencingToken().value());
      read.release();
    }
  }

  @Test
  void writeLock_whileAReaderHolds_waitsForItsRelease(@TempDir Path dir) throws Exception {
    String name = "run-rw/" + UUID.randomUUID();
    Path seen = dir.resolve("token");
    try (Holdfast reader = Holdfast.connect(server.uri().toString())) {
      Lease read = reader.readWriteLock(name).readLock().acquire(Duration.ofSeconds(30));
      CliRun refused = CliRun.of("run", "--write-lock", name, "--wait", "0s", "--server", server.uri().toString(),
          "--", "true");
      assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(RunCommand.EXIT_NOT_ACQUIRED);
      assertThat(refused.err()).contains("write lock '" + name + "' still held by another owner");
      CompletableFuture<CliRun> run = runAsync("run", "--write-lock", name, "--wait", "60s", "--server",
          server.uri().toString(), "--", "sh", "-c", "echo $HOLDFAST_FENCING_TOKEN > " + seen);
      // A waiting writer announces itself (writer preference): from then on a new reader is refused.
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> newReaderRefused(reader, name));
      assertThat(run).as("the write command waits while the reader holds").isNotDone();
      read.release();
      CliRun done = run.get(30, TimeUnit.SECONDS);
      assertThat(done.exitCode()).as(done.toString()).isZero();
      assertThat(Long.parseLong(Files.readString(seen).trim())).isGreaterThan(read.fencingToken().value());
    }
  }

  private static boolean newReaderRefused(Holdfast client, String name) {
    return client.readWriteLock(name).readLock().tryAcquire(Duration.ofSeconds(5), Duration.ZERO).map(lease -> {
      lease.release();
      return false;
    }).orElse(true);
  }

  @Test
  void semaphore_allPermitsHeld_notAcquiredThenRunsOnceOneIsFree(@TempDir Path dir) throws Exception {
    String name = "run-sem/" + UUID.randomUUID();
    Path seen = dir.resolve("kind");
    try (Holdfast holders = Holdfast.connect(server.uri().toString())) {
      Lease first = holders.semaphore(name, 2).acquire(Duration.ofSeconds(30));
      Lease second = holders.semaphore(name, 2).acquire(Duration.ofSeconds(30));
      CliRun refused = CliRun.of("run", "--semaphore", name, "--permits", "2", "--wait", "0s", "--server",
          server.uri().toString(), "--", "true");
      assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(RunCommand.EXIT_NOT_ACQUIRED);
      assertThat(refused.err()).contains("all 2 permits of semaphore '" + name + "' still held");
      second.release();
      CliRun run = CliRun.of("run", "--semaphore", name, "--permits", "2", "--wait", "0s", "--server",
          server.uri().toString(), "--", "sh", "-c", "echo $HOLDFAST_LOCK_KIND > " + seen);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(Files.readString(seen).trim()).isEqualTo("permit");
      first.release();
      assertThat(holders.semaphore(name, 2).heldAsync().join()).isZero();
    }
  }

  @Test
  void options_semaphoreWithoutPermitsOrTwoKinds_usageError() {
    CliRun noPermits = CliRun.of("run", "--semaphore", "s", "--server", server.uri().toString(), "--", "true");
    assertThat(noPermits.exitCode()).as(noPermits.toString()).isEqualTo(2);
    assertThat(noPermits.err()).contains("--semaphore needs --permits N");
    CliRun two = CliRun.of("run", "--read-lock", "a", "--write-lock", "a", "--server", server.uri().toString(),
        "--", "true");
    assertThat(two.exitCode()).as(two.toString()).isEqualTo(2);
    assertThat(two.err()).contains("mutually exclusive");
    CliRun fair = CliRun.of("run", "--read-lock", "a", "--fair", "--server", server.uri().toString(), "--", "true");
    assertThat(fair.exitCode()).as(fair.toString()).isEqualTo(2);
    assertThat(fair.err()).contains("--fair goes with --lock only");
  }
}
