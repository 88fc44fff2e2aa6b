package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.client.ServiceAdmin;
import io.holdfast.server.HoldfastServer;
import io.holdfast.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code holdfast run --fair}: the command waits in the lock's line and does not pass a waiter ahead of it. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RunFairIT {
  private static HoldfastServer server;
  private static ServiceAdmin admin;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).build());
    admin = ServiceAdmin.connect(server.uri().toString(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    admin.close();
    server.close();
  }

  @Test
  void runFair_behindAWaiterInLine_getsTheLockAfterIt(@TempDir Path dir) throws Exception {
    String name = "run-fair/" + UUID.randomUUID();
    Path seen = dir.resolve("token");
    try (Holdfast holder = Holdfast.connect(server.uri().toString());
         Holdfast first = Holdfast.connect(server.uri().toString())) {
      Lease held = holder.acquire(AcquireRequest.of(name, Duration.ofSeconds(30)).withFair(true));
      CompletableFuture<Optional<Lease>> ahead = first.tryAcquireAsync(AcquireRequest.of(name, Duration.ofSeconds(30))
          .withWait(Duration.ofSeconds(60)).withFair(true));
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> admin.listWaiters(name).size() == 1);
      CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of("run", "--lock", name, "--fair",
          "--wait", "60s", "--server", server.uri().toString(), "--", "sh", "-c",
          "echo $HOLDFAST_FENCING_TOKEN > " + seen));
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> admin.listWaiters(name).size() == 2);
      held.release();
      Lease firstLease = ahead.get(30, TimeUnit.SECONDS).orElseThrow();
      assertThat(run).as("the command waits while the waiter ahead of it holds the lock").isNotDone();
      firstLease.release();
      CliRun done = run.get(30, TimeUnit.SECONDS);
      assertThat(done.exitCode()).as(done.toString()).isZero();
      assertThat(Long.parseLong(Files.readString(seen).trim())).isGreaterThan(firstLease.fencingToken().value());
    }
  }
}
