package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The lock-service commands against a real server on a real redis-server: server, locks, lock, run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceCommandsIT {
  static final String CLIENT = "cli-client-token-00001";
  static final String ADMIN = "cli-admin-token-000001";

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .token(TokenGrant.parse(CLIENT + ":ops:client")).token(TokenGrant.parse(ADMIN + ":ops:admin"))
        .shutdownGrace(Duration.ofSeconds(1)).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String uri(String token) {
    return "holdfast://" + token + "@127.0.0.1:" + server.port();
  }

  @Test
  void locksInspectRelease_heldLock_listedInspectedAndForceReleasedByAdminOnly() {
    String name = "cli/" + UUID.randomUUID();
    try (Holdfast holdfast = Holdfast.connect(uri(CLIENT))) {
      Lease lease = holdfast.acquire(name, Duration.ofSeconds(30));
      CliRun locks = CliRun.of("locks", "--server", uri(CLIENT), "--prefix", "cli/");
      assertThat(locks.exitCode()).as(locks.toString()).isZero();
      assertThat(locks.out()).contains(name, "held", Long.toString(lease.fencingToken().value()));
      CliRun inspect = CliRun.of("lock", "inspect", name, "--server", uri(CLIENT));
      assertThat(inspect.out()).contains("held", "fencing token: " + lease.fencingToken(), "waiters:       0");
      CliRun refused = CliRun.of("lock", "release", name, "--force", "--server", uri(CLIENT));
      assertThat(refused.exitCode()).isEqualTo(2);
      assertThat(refused.err()).contains("needs the admin role");
      CliRun noForce = CliRun.of("lock", "release", name, "--server", uri(ADMIN));
      assertThat(noForce.exitCode()).isEqualTo(2);
      CliRun released = CliRun.of("lock", "release", name, "--force", "--server", uri(ADMIN));
      assertThat(released.exitCode()).as(released.toString()).isZero();
      assertThat(released.out()).contains("force-released", "is now stale");
      assertThat(CliRun.of("lock", "inspect", name, "--server", uri(CLIENT)).out()).contains(": free");
    }
  }

  @Test
  void locks_limitAndAfter_pageThroughWithHolderHost() {
    String prefix = "page/" + UUID.randomUUID() + "/";
    try (Holdfast holdfast = Holdfast.connect(uri(CLIENT) + "?client-host=build-host-7")) {
      for (String name : List.of("a", "b", "c")) {
        holdfast.acquire(prefix + name, Duration.ofSeconds(30));
      }
      CliRun first = CliRun.of("locks", "--server", uri(CLIENT), "--prefix", prefix, "--limit", "2");
      assertThat(first.exitCode()).as(first.toString()).isZero();
      assertThat(first.out()).contains(prefix + "a", prefix + "b", "build-host-7", "HOST", "CLOCK")
          .doesNotContain(prefix + "c").endsWith("more: --after " + prefix + "b" + System.lineSeparator());
      CliRun rest = CliRun.of("locks", "--server", uri(CLIENT), "--prefix", prefix, "--after", prefix + "b");
      assertThat(rest.out()).contains(prefix + "c").doesNotContain(prefix + "a", prefix + "b", "more:");
      assertThat(CliRun.of("locks", "--server", uri(CLIENT), "--prefix", prefix).out())
          .contains(prefix + "a", prefix + "b", prefix + "c").doesNotContain("more:");
    }
  }

  @Test
  void locks_noServerOrWrongToken_usageErrors() {
    assertThat(CliRun.of("locks").err()).contains("pass --server holdfast://host:port or set HOLDFAST_SERVER");
    CliRun wrong = CliRun.of("locks", "--server", uri("not-the-right-token-000"));
    assertThat(wrong.exitCode()).isEqualTo(2);
    assertThat(wrong.err()).contains("unknown bearer token").doesNotContain("not-the-right-token-000");
  }

  @Test
  void run_freeLock_commandGetsTokenAndItsExitCodeIsReturned(@TempDir Path dir) throws Exception {
    String name = "run/" + UUID.randomUUID();
    Path seen = dir.resolve("seen");
    CliRun run = CliRun.of("run", "--lock", name, "--server", uri(CLIENT), "--", "sh", "-c",
        "echo \"$HOLDFAST_LOCK $HOLDFAST_FENCING_TOKEN\" > " + seen + "; exit 3");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
    List<String> words = List.of(Files.readString(seen).trim().split(" "));
    assertThat(words.get(0)).isEqualTo(name);
    assertThat(Long.parseLong(words.get(1))).isPositive();
    try (Holdfast holdfast = Holdfast.connect(uri(CLIENT))) {
      assertThat(holdfast.inspect(name)).as("released after the command").isEmpty();
    }
  }

  @Test
  void run_lockHeldElsewhere_waitRunsOutWithExit75() {
    String name = "run/" + UUID.randomUUID();
    try (Holdfast holdfast = Holdfast.connect(uri(CLIENT));
         Lease held = holdfast.acquire(name, Duration.ofSeconds(30))) {
      CliRun run = CliRun.of("run", "--lock", name, "--wait", "500ms", "--server", uri(CLIENT), "--", "true");
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(75);
      assertThat(run.err()).contains("still held by another owner");
      assertThat(held.isValid()).isTrue();
    }
  }

  @Test
  void run_leaseLostWhileRunning_commandKilledWithExit69() throws Exception {
    String name = "run/" + UUID.randomUUID();
    CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(() -> CliRun.of("run", "--lock", name,
        "--ttl", "1s", "--server", uri(CLIENT), "--", "sleep", "30"));
    try (Holdfast holdfast = Holdfast.connect(uri(CLIENT))) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
          .until(() -> holdfast.inspect(name).isPresent());
    }
    assertThat(CliRun.of("lock", "release", name, "--force", "--server", uri(ADMIN)).exitCode()).isZero();
    CliRun run = running.get(20, TimeUnit.SECONDS);
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(69);
    assertThat(run.err()).contains("was lost", "the command was killed");
  }

  @Test
  void serverCommand_withoutRedis_warnsLoudlyAndServes() throws Exception {
    ChildJvm server = ChildJvm.start(HoldfastCli.class, "server", "--port", "0");
    try {
      String listening = server.await("holdfast server listening on ", Duration.ofSeconds(60)).split(" ")[0];
      assertThat(String.join("\n", server.lines())).contains("EMBEDDED in-memory store", "lost on restart");
      assertThat(listening).startsWith("holdfast://127.0.0.1:");
      try (Holdfast holdfast = Holdfast.connect(listening);
           Lease lease = holdfast.acquire(AcquireRequest.of("embedded/x", Duration.ofSeconds(5)))) {
        assertThat(lease.isValid()).isTrue();
      }
    } finally {
      server.process().destroy();
      assertThat(server.awaitExit(Duration.ofSeconds(20))).as("graceful stop on SIGTERM").isTrue();
    }
  }

  @Test
  void locks_hostPortAddressWithoutToken_saysWhichOptionCarriesTheToken() {
    CliRun locks = CliRun.of("locks", "--server", "127.0.0.1:" + server.port());
    assertThat(locks.exitCode()).as(locks.toString()).isEqualTo(2);
    assertThat(locks.err()).contains("needs a token", "holdfast://TOKEN@host:port", "HOLDFAST_TOKEN")
        .doesNotContain("not a lock service");
  }

  @Test
  void locks_serviceDown_oneLineNamingAddressAndWhatToCheck() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (ChildJvm locks = ChildJvm.start(HoldfastCli.class, "locks", "--server", "127.0.0.1:" + port)) {
      assertThat(locks.awaitExit(Duration.ofSeconds(60))).isTrue();
      assertThat(locks.process().exitValue()).isEqualTo(2);
      assertThat(locks.lines()).as("all output, stdout and stderr").hasSize(1);
      assertThat(locks.lines().get(0)).contains("nothing is listening at 127.0.0.1:" + port,
          "is the lock service running", "--server or HOLDFAST_SERVER");
    }
  }

  @Test
  void serverCommand_portInUse_namesThePort() {
    CliRun second = CliRun.of("server", "--port", Integer.toString(server.port()), "--redis", redis.uri(),
        "--token", CLIENT + ":ops:client");
    assertThat(second.exitCode()).as(second.toString()).isEqualTo(2);
    assertThat(second.err()).contains("port " + server.port() + " on 127.0.0.1 is already in use",
        "--port or HOLDFAST_PORT").doesNotContain("CompletionException", "NativeIoException");
  }

  @Test
  void locks_holdfastServerAsHostPort_accepted() throws Exception {
    try (ChildJvm locks = ChildJvm.start(HoldfastCli.class, List.of("locks", "--prefix", "none-such/"), env -> {
      env.put("HOLDFAST_SERVER", "127.0.0.1:" + server.port());
      env.put("HOLDFAST_TOKEN", CLIENT);
    })) {
      assertThat(locks.awaitExit(Duration.ofSeconds(60))).isTrue();
      assertThat(locks.lines()).as("all output").containsExactly("no locks held");
      assertThat(locks.process().exitValue()).isZero();
    }
  }

  @Test
  void inspectRedis_lockHeldThroughService_seenUnderItsTenant() {
    String name = "cli/" + UUID.randomUUID();
    try (Holdfast holdfast = Holdfast.connect(uri(CLIENT));
         Lease lease = holdfast.acquire(name, Duration.ofSeconds(30))) {
      CliRun inspect = CliRun.of("inspect", name, "--tenant", "ops", "--redis", redis.uri());
      assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
      assertThat(inspect.out()).contains("lock 'ops/" + name + "': held",
          "fencing token: " + lease.fencingToken());
      assertThat(CliRun.of("inspect", name, "--redis", redis.uri()).out()).contains("free", "add --tenant");
    }
  }

  @Test
  void run_commandNotFound_exit127AndLockReleased() {
    String name = "run/" + UUID.randomUUID();
    CliRun run = CliRun.of("run", "--lock", name, "--server", uri(CLIENT), "--", "no-such-command-holdfast-test");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(127);
    assertThat(run.err()).contains("cannot run 'no-such-command-holdfast-test'");
    try (Holdfast holdfast = Holdfast.connect(uri(CLIENT))) {
      assertThat(holdfast.inspect(name)).isEmpty();
    }
  }
}
