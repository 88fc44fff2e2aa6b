package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSettingsTest {
  @Test
  void load_flagBeatsEnvBeatsFileBeatsDefault(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("holdfast.properties");
    Files.writeString(file, "lock-delay = 7s\nmax-wait = 2m\nport = 1111\nsession-ttl = 20s\n");
    ServerConfig config = ServerSettings.load(Map.of("config", file.toString(), "port", "3333"),
        Map.of("HOLDFAST_PORT", "2222", "HOLDFAST_MAX_WAIT", "90s",
            "HOLDFAST_TOKENS", "a-long-enough-token:acme:admin, another-long-token:acme:client"));
    assertThat(config.port()).isEqualTo(3333);
    assertThat(config.maxWait()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.lockDelay()).isEqualTo(Duration.ofSeconds(7));
    assertThat(config.sessionTtl()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.recheckInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.tokens()).extracting(TokenGrant::role).containsExactly(Role.ADMIN, Role.CLIENT);
    assertThat(config.inMemory()).isTrue();
  }

  @Test
  void load_unknownKeyOrBadValue_namesIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "lock-dealy = 7s\n");
    assertThatThrownBy(() -> ServerSettings.load(Map.of("config", file.toString()), Map.of()))
        .hasMessageContaining("unknown key in " + file + " 'lock-dealy'");
    assertThatThrownBy(() -> ServerSettings.load(Map.of("lock-delay", "soon"), Map.of()))
        .hasMessageContaining("lock-delay: 'soon' is not a duration");
    assertThatThrownBy(() -> ServerSettings.load(Map.of("port", "http"), Map.of()))
        .hasMessageContaining("port must be a whole number, was 'http'");
  }
}
