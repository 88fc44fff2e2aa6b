package io.holdfast.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.InvalidArgumentException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceTargetTest {
  @Test
  void parse_multiHostWithTokenAndParameters_readsEveryPart() {
    ServiceTarget target = ServiceTarget.parse(
        "holdfasts://s3cret%40x@lock-1:7421,lock-2,[::1]:7423?session-ttl=15s&ca=/etc/ca.pem", Map.of());
    assertThat(target.tls()).isTrue();
    assertThat(target.hosts()).containsExactly(new ServiceTarget.HostPort("lock-1", 7421),
        new ServiceTarget.HostPort("lock-2", 7420), new ServiceTarget.HostPort("::1", 7423));
    assertThat(target.token()).contains("s3cret@x");
    assertThat(target.sessionTtl()).contains(Duration.ofSeconds(15));
    assertThat(target.trustedCa()).contains(Path.of("/etc/ca.pem"));
    assertThat(target.clientHost()).isEmpty();
    assertThat(target.toString()).doesNotContain("s3cret");
  }

  @Test
  void parse_clientHost_isTheHostReportedAtOpen() {
    assertThat(ServiceTarget.parse("holdfast://h:1?client-host=worker-7.example", Map.of()).clientHost())
        .contains("worker-7.example");
  }

  @Test
  void parse_noUserInfo_takesTokenFromEnvironment() {
    assertThat(ServiceTarget.parse("holdfast://h:1", Map.of("HOLDFAST_TOKEN", "from-env")).token())
        .contains("from-env");
    assertThat(ServiceTarget.parse("holdfast://h:1", Map.of()).token()).isEmpty();
  }

  @Test
  void parse_badPortOrParameter_failsNamingItWithoutTheToken() {
    assertThatThrownBy(() -> ServiceTarget.parse("holdfast://secret@h:http", Map.of()))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("bad port in 'h:http'")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> ServiceTarget.parse("holdfast://h:1?timeout=5s", Map.of()))
        .hasMessageContaining("unknown lock service URI parameter 'timeout'");
    assertThatThrownBy(() -> ServiceTarget.parse("holdfast://h:1?session-ttl=0s", Map.of()))
        .hasMessageContaining("session-ttl must be positive");
    assertThatThrownBy(() -> ServiceTarget.parse("holdfast:h", Map.of()))
        .hasMessageContaining("must look like holdfast://host:port");
  }
}
