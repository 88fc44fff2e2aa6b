package io.holdfast.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Builder validation and the command line it produces; no process is started here. */
class RedisServerBuilderTest {

  @TempDir
  Path workDir;

  @ParameterizedTest
  @ValueSource(strings = {"--port", "--bind", "--daemonize", "--dir", "--logfile", "--unixsocket", "--PORT"})
  void arg_managedOption_isRejectedNamingIt(String option) {
    assertThatThrownBy(() -> RedisServer.builder().arg(option, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(option)
        .hasMessageContaining("managed");
  }

  @Test
  void arg_appendonly_isRejectedPointingToPersistence() {
    assertThatThrownBy(() -> RedisServer.builder().arg("--appendonly", "yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("persistence(true)");
  }

  @Test
  void arg_optionWithoutDashes_isRejected() {
    assertThatThrownBy(() -> RedisServer.builder().arg("maxmemory", "1mb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'maxmemory'");
  }

  @Test
  void startTimeout_zero_isRejectedWithValue() {
    assertThatThrownBy(() -> RedisServer.builder().startTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("startTimeout")
        .hasMessageContaining("PT0S");
  }

  @Test
  void binary_missingFile_isRejected() {
    Path missing = workDir.resolve("nope");

    assertThatThrownBy(() -> RedisServer.builder().binary(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void commandLine_defaults_bindLoopbackWithoutPersistence() {
    List<String> cmd = lifecycle(false, List.of()).commandLine(6390);

    assertThat(String.join(" ", cmd)).contains(
        "--port 6390", "--bind 127.0.0.1", "--save  --protected-mode", "--daemonize no", "--appendonly no",
        "--dir " + workDir);
    assertThat(cmd).doesNotContain("--appendfsync");
  }

  @Test
  void commandLine_persistenceAndExtraArgs_fsyncsAlwaysAndAppendsArgsLast() {
    List<String> cmd = lifecycle(true, List.of("--maxmemory", "100mb")).commandLine(6390);

    assertThat(String.join(" ", cmd)).contains("--appendonly yes --appendfsync always");
    assertThat(cmd).endsWith("--maxmemory", "100mb");
  }

  @Test
  void commandLine_configFile_isWrittenOnceAndPassedFirst() throws java.io.IOException {
    ServerConfig config = new ServerConfig(Path.of("/usr/bin/redis-server"), List.of("--sentinel"), false,
        Duration.ofSeconds(1), Duration.ofSeconds(1), "sentinel monitor m 127.0.0.1 6379 1");
    ServerLifecycle sentinel = new ServerLifecycle(config, workDir);
    List<String> cmd = sentinel.commandLine(26379);

    Path file = workDir.resolve("redis.conf");
    assertThat(cmd.get(1)).isEqualTo(file.toString());
    assertThat(cmd).endsWith("--sentinel");
    assertThat(java.nio.file.Files.readString(file)).startsWith("sentinel monitor m 127.0.0.1 6379 1");
    java.nio.file.Files.writeString(file, "# rewritten by the server\n");
    sentinel.commandLine(26379);
    assertThat(java.nio.file.Files.readString(file)).as("kept across restarts").startsWith("# rewritten");
  }

  private ServerLifecycle lifecycle(boolean persistence, List<String> args) {
    ServerConfig config = new ServerConfig(Path.of("/usr/bin/redis-server"), args, persistence,
        Duration.ofSeconds(1), Duration.ofSeconds(1));
    return new ServerLifecycle(config, workDir);
  }
}
