package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.holdfast.testkit.redis.RedisExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wire API from another language: runs examples/node/holdfast-example.js (Node.js with {@code @grpc/grpc-js},
 * built from holdfast-api's protos alone) against a server on the test kit's Redis, and checks that every step it
 * reports passed: sessions, acquire, a waiting acquire granted on release, release, a stale release's NOT_OWNER and
 * an expired session's SESSION_EXPIRED decoded from their google.rpc.ErrorInfo, and the expired session's lock in
 * lock-delay.
 *
 * <p>Needs {@code node} and {@code npm} on PATH; it runs {@code npm ci} in examples/node when node_modules is absent
 * (.ci/run does that first). Without them it is skipped with a "CANNOT RUN" message, unless the environment has
 * {@code HOLDFAST_NODE_EXAMPLE=required} (.ci/run sets it once node is installed), which makes it fail instead.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NodeExampleIT {
  private static final String ADMIN = "node-example-admin-token";

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  @Test
  void nodeExample_againstTheService_everyStepAnswersAsDocumented() throws Exception {
    Path root = repositoryRoot();
    Path example = root.resolve("examples/node");
    requireTool(example, "node", "--version");
    requireTool(example, "npm", "--version");
    if (!Files.isDirectory(example.resolve("node_modules"))) {
      Run install = run(example, Duration.ofMinutes(2), Map.of(), "npm", "ci", "--no-audit", "--no-fund");
      cannotRunUnless(install.exit() == 0, "npm ci in examples/node failed (no npm registry?):\n" + install.output());
    }
    try (HoldfastServer server = HoldfastServer.start(ServerConfig.builder().port(0)
        .redis(URI.create(redis.uri())).token(TokenGrant.parse(ADMIN + ":node:admin"))
        .lockDelay(Duration.ofSeconds(30)).shutdownGrace(Duration.ofSeconds(1)).build())) {
      // no_grpc_proxy: a proxy set in the environment for the npm registry must not take the loopback calls.
      Run node = run(example, Duration.ofSeconds(90), Map.of("HOLDFAST_TOKEN", ADMIN,
          "HOLDFAST_PROTO_DIR", root.resolve("holdfast-api/src/main/proto").toString(),
          "no_grpc_proxy", "127.0.0.1,localhost"),
          "node", "holdfast-example.js", "127.0.0.1:" + server.port());

      assertThat(node.exit()).as(node.output()).isZero();
      assertThat(node.output()).as(node.output()).contains(
          "ok: a try-acquire of the held lock answers acquired=false",
          "ok: the second session waits for the lock",
          "ok: release granted the waiting acquire",
          "ok: a stale release failed: NOT_OWNER (LEASE_LOST)",
          "ok: the session expired, its lock is free (lock-delayed: true), keep-alive failed: SESSION_EXPIRED",
          "ok: closed the sessions");
    }
  }

  private record Run(int exit, String output) { }

  private static Run run(Path directory, Duration limit, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(directory.toFile())
        .redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    // The output is small (a line per step); read it whole once the process ends or is stopped.
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      fail(String.join(" ", command) + " did not finish within " + limit + ":\n"
          + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static void requireTool(Path directory, String tool, String versionFlag) throws InterruptedException {
    boolean found;
    try {
      found = run(directory, Duration.ofSeconds(30), Map.of(), tool, versionFlag).exit() == 0;
    } catch (IOException e) {
      found = false;
    }
    cannotRunUnless(found, tool + " not found on PATH (install Node.js 18+ and npm to run the Node example)");
  }

  private static void cannotRunUnless(boolean condition, String why) {
    if (!condition && "required".equals(System.getenv("HOLDFAST_NODE_EXAMPLE"))) {
      fail("HOLDFAST_NODE_EXAMPLE=required, but: " + why);
    }
    Assumptions.assumeTrue(condition, () -> "CANNOT RUN: " + why);
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("examples/node/holdfast-example.js"))) {
        return dir;
      }
    }
    throw new IllegalStateException("examples/node not found above " + Path.of("").toAbsolutePath());
  }
}
