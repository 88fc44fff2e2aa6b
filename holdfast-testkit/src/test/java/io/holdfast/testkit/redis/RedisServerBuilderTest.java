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

  private ServerLifecycle lifecycle(boolean persistence, List<String> args) {
    ServerConfig config = new ServerConfig(Path.of("/usr/bin/redis-server"), args, persistence,
        Duration.ofSeconds(1), Duration.ofSeconds(1));
    return new ServerLifecycle(config, workDir);
  }
}
