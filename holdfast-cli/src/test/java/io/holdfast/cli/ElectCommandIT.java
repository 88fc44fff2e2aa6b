package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.CampaignRequest;
import io.holdfast.Election;
import io.holdfast.Holdfast;
import io.holdfast.Leader;
import io.holdfast.Leadership;
import io.holdfast.server.HoldfastServer;
import io.holdfast.server.ServerConfig;
import io.holdfast.server.TokenGrant;
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

/** {@code holdfast elect} against a real lock service on a real redis-server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ElectCommandIT {
  static final String CLIENT = "elect-client-token-0001";
  static final String ADMIN = "elect-admin-token-00001";

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
  void elect_freeElection_commandRunsAsLeaderWithTermThenResignsWithItsExitCode(@TempDir Path dir)
      throws Exception {
    String name = "elect/" + UUID.randomUUID();
    Path seen = dir.resolve("seen");
    Path go = dir.resolve("go");
    CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(() -> CliRun.of("elect", "--name", name,
        "--value", "node-a", "--server", uri(CLIENT), "--", "sh", "-c",
        "echo \"$HOLDFAST_ELECTION $HOLDFAST_FENCING_TOKEN\" > " + seen + "; while [ ! -f " + go
            + " ]; do sleep 0.05; done; exit 3"));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(seen) && Files.size(seen) > 0);
    List<String> words = List.of(Files.readString(seen).trim().split(" "));
    try (Holdfast holdfast = Holdfast.connect(uri(CLIENT))) {
      Leader leader = holdfast.election(name).leader().orElseThrow();
      assertThat(words.get(0)).isEqualTo(name);
      assertThat(Long.parseLong(words.get(1))).as("the term in the environment").isEqualTo(leader.term().value());
      assertThat(leader.value()).isEqualTo("node-a");
      Files.createFile(go);
      CliRun run = running.get(30, TimeUnit.SECONDS);
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
      assertThat(holdfast.election(name).leader()).as("resigned after the command").isEmpty();
    }
  }

  @Test
  void elect_ledElsewhere_waitRunsOutWithExit75AndCommandNeverRuns(@TempDir Path dir) {
    String name = "elect/" + UUID.randomUUID();
    Path ran = dir.resolve("ran");
    try (Holdfast holdfast = Holdfast.connect(uri(CLIENT));
         Leadership leading = holdfast.election(name).campaign(CampaignRequest.of("other", Duration.ofSeconds(30)))) {
      CliRun run = CliRun.of("elect", "--name", name, "--wait", "500ms", "--server", uri(CLIENT), "--",
          "touch", ran.toString());
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(75);
      assertThat(run.err()).contains("still led by another candidate");
      assertThat(ran).doesNotExist();
      assertThat(leading.isLeader()).isTrue();
    }
  }

  @Test
  void elect_leadershipLostWhileRunning_commandAndItsChildrenStoppedWithExit69(@TempDir Path dir)
      throws Exception {
    String name = "elect/" + UUID.randomUUID();
    Path grandchild = dir.resolve("grandchild");
    CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(() -> CliRun.of("elect", "--name", name,
        "--ttl", "1s", "--server", uri(CLIENT), "--", "sh", "-c",
        "sleep 300 & echo $! > " + grandchild + "; wait"));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(grandchild) && Files.size(grandchild) > 0);
    long sleeper = Long.parseLong(Files.readString(grandchild).trim());
    assertThat(ProcessHandle.of(sleeper)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
    assertThat(CliRun.of("lock", "release", name, "--force", "--server", uri(ADMIN)).exitCode()).isZero();
    CliRun run = running.get(30, TimeUnit.SECONDS);
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(69);
    assertThat(run.err()).contains("leadership of election '" + name + "'", "was lost", "the command was stopped");
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(sleeper).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void elect_secondCandidateWaiting_electedWhenTheFirstCommandEndsWithALargerTerm(@TempDir Path dir)
      throws Exception {
    String name = "elect/" + UUID.randomUUID();
    try (Holdfast holdfast = Holdfast.connect(uri(CLIENT))) {
      Election election = holdfast.election(name);
      Leadership first = election.campaign(CampaignRequest.of("first", Duration.ofSeconds(30)));
      Path seen = dir.resolve("seen");
      CompletableFuture<CliRun> waiting = CompletableFuture.supplyAsync(() -> CliRun.of("elect", "--name", name,
          "--server", uri(CLIENT), "--", "sh", "-c", "echo $HOLDFAST_FENCING_TOKEN > " + seen));
      Thread.sleep(300);
      assertThat(seen).doesNotExist();
      first.resign();
      CliRun run = waiting.get(30, TimeUnit.SECONDS);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(Long.parseLong(Files.readString(seen).trim())).isGreaterThan(first.term().value());
    }
  }
}
