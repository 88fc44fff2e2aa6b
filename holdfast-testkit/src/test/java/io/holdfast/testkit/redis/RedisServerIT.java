package io.holdfast.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real redis-server processes: start, stop, kill, restart, pause and resume. */
@Timeout(120)
class RedisServerIT {

  private static final Duration SHORT = Duration.ofMillis(300);
  private static final Duration GENEROUS = Duration.ofSeconds(20);

  private final List<RedisServer> servers = new ArrayList<>();

  @AfterEach
  void closeServers() {
    servers.forEach(RedisServer::close);
  }

  @Test
  void start_defaultServer_answersPingOnLoopbackUri() {
    RedisServer server = started(RedisServer.builder());

    assertThat(server.command("PING")).isEqualTo("PONG");
    assertThat(server.isRunning()).isTrue();
    assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port());
    assertThat(server.info("server")).containsEntry("process_id", Long.toString(server.pid()));
  }

  @Test
  void start_twoServers_getDifferentPorts() {
    RedisServer first = started(RedisServer.builder());
    RedisServer second = started(RedisServer.builder());

    assertThat(first.port()).isNotEqualTo(second.port());
    first.command("SET", "only-here", "1");
    assertThat(second.command("EXISTS", "only-here")).isEqualTo(0L);
  }

  @Test
  void start_extraArgs_areAppliedToServer() {
    RedisServer server = started(RedisServer.builder().arg("--maxmemory", "100mb"));

    assertThat(server.command("CONFIG", "GET", "maxmemory")).isEqualTo(List.of("maxmemory", "104857600"));
    assertThat(server.usedMemory()).isPositive();
  }

  @Test
  void start_invalidArg_failsQuotingServerOutput() {
    RedisServer server = track(RedisServer.builder().arg("--maxmemory", "lots").build());

    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with code")
        .hasMessageContaining("maxmemory");
    assertThat(server.isRunning()).isFalse();
  }

  @Test
  void stop_runningServer_leavesNoProcess() {
    RedisServer server = started(RedisServer.builder());
    long pid = server.pid();

    server.stop();

    assertThat(server.isRunning()).isFalse();
    assertThat(Processes.isGone(pid)).isTrue();
    await().atMost(GENEROUS).untilAsserted(() -> assertThat(childrenMentioning(pid))
        .as("no child left, not even the orphan guard").isEmpty());
  }

  @Test
  void kill_runningServer_processGoneAndPortRefusesConnections() {
    RedisServer server = started(RedisServer.builder());
    long pid = server.pid();

    server.kill();

    assertThat(Processes.isGone(pid)).isTrue();
    assertThatThrownBy(() -> server.command(SHORT, "PING")).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void pause_pingDuringPause_timesOut() {
    RedisServer server = started(RedisServer.builder());

    server.pause();

    assertThat(server.isPaused()).isTrue();
    assertThatThrownBy(() -> server.command(SHORT, "PING"))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void resume_afterPause_answersPingAgain() {
    RedisServer server = started(RedisServer.builder());
    server.pause();

    server.resume();

    assertThat(server.isPaused()).isFalse();
    await().atMost(GENEROUS).ignoreExceptions()
        .untilAsserted(() -> assertThat(server.command(Duration.ofSeconds(1), "PING")).isEqualTo("PONG"));
  }

  @Test
  void stop_pausedServer_stopsWithoutWaitingForSigkill() {
    RedisServer server = started(RedisServer.builder().stopTimeout(Duration.ofMinutes(5)));
    long pid = server.pid();
    server.pause();

    server.stop();

    assertThat(Processes.isGone(pid)).isTrue();
  }

  @Test
  void restart_afterKillWithoutPersistence_losesKeyOnSamePort() {
    RedisServer server = started(RedisServer.builder());
    int port = server.port();
    server.command("SET", "k", "v");

    server.kill();
    server.restart();

    assertThat(server.port()).isEqualTo(port);
    assertThat(server.command("GET", "k")).isNull();
  }

  @Test
  void restart_afterKillWithPersistence_keepsKey() {
    RedisServer server = started(RedisServer.builder().persistence(true));
    server.command("SET", "k", "v");

    server.kill();
    server.restart();

    assertThat(server.command("GET", "k")).isEqualTo("v");
  }

  @Test
  void restart_runningServer_startsNewProcessOnSamePort() {
    RedisServer server = started(RedisServer.builder());
    long oldPid = server.pid();
    int port = server.port();

    server.restart();

    assertThat(server.pid()).isNotEqualTo(oldPid);
    assertThat(server.port()).isEqualTo(port);
    assertThat(Processes.isGone(oldPid)).isTrue();
    assertThat(server.command("PING")).isEqualTo("PONG");
  }

  @Test
  void restart_afterShutdownCommand_revivesServer() {
    RedisServer server = started(RedisServer.builder());
    assertThatThrownBy(() -> server.command("SHUTDOWN", "NOSAVE")).isInstanceOf(UncheckedIOException.class);
    await().atMost(GENEROUS).until(() -> !server.isRunning());

    server.restart();

    assertThat(server.command("PING")).isEqualTo("PONG");
  }

  @Test
  void start_afterServerExitedOnItsOwn_startsAgainAndRetiresOldGuard() {
    RedisServer server = started(RedisServer.builder());
    long oldPid = server.pid();
    assertThatThrownBy(() -> server.command("SHUTDOWN", "NOSAVE")).isInstanceOf(UncheckedIOException.class);
    await().atMost(GENEROUS).until(() -> !server.isRunning());

    server.start();

    assertThat(server.command("PING")).isEqualTo("PONG");
    await().atMost(GENEROUS).untilAsserted(() -> assertThat(childrenMentioning(oldPid)).isEmpty());
  }

  @Test
  void start_forcedEmbeddedBinary_answersPing() {
    RedisBinary binary;
    RedisServer server;
    System.setProperty(RedisBinary.FORCE_EMBEDDED_PROPERTY, "true");
    try {
      binary = RedisBinary.locate();
      server = track(RedisServer.builder().build());
    } finally {
      System.clearProperty(RedisBinary.FORCE_EMBEDDED_PROPERTY);
    }

    server.start();

    assertThat(binary.source()).isEqualTo(RedisBinary.Source.EMBEDDED);
    assertThat(server.binary()).isEqualTo(binary.path());
    assertThat(server.command("PING")).isEqualTo("PONG");
    assertThat(server.info("server")).containsEntry("redis_version", binary.version());
  }

  @Test
  void command_errorReply_throwsWithPrefix() {
    RedisServer server = started(RedisServer.builder());
    server.command("SET", "s", "text");

    assertThatThrownBy(() -> server.command("LPUSH", "s", "x"))
        .isInstanceOfSatisfying(RedisReplyException.class, e -> assertThat(e.prefix()).isEqualTo("WRONGTYPE"));
  }

  @Test
  void close_stoppedServer_deletesWorkingDirectoryAndRefusesStart() {
    RedisServer server = started(RedisServer.builder().persistence(true));

    server.close();

    assertThat(server.workingDirectory()).doesNotExist();
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("Closed");
  }

  private RedisServer started(RedisServerBuilder builder) {
    return track(builder.build()).start();
  }

  /** Live children of this JVM whose command line names the pid: the server itself or its guard. */
  private static List<ProcessHandle> childrenMentioning(long pid) {
    String word = " " + pid + " ";
    return ProcessHandle.current().children()
        .filter(ProcessHandle::isAlive)
        .filter(child -> child.pid() == pid
            || child.info().arguments().map(a -> (" " + String.join(" ", a) + " ").contains(word)).orElse(false))
        .collect(Collectors.toList());
  }

  private RedisServer track(RedisServer server) {
    servers.add(server);
    return server;
  }
}
