package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
  @Test
  void nonLoopbackHost_withoutTokens_refused() {
    assertThatThrownBy(() -> ServerConfig.builder().host("0.0.0.0").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refusing to listen on 0.0.0.0 without authentication")
        .hasMessageContaining("--insecure-allow-no-auth");
  }

  @Test
  void nonLoopbackHost_withTokensOrExplicitInsecureFlag_accepted() {
    assertThat(ServerConfig.builder().host("0.0.0.0").token(TokenGrant.parse("a-long-enough-token:t:admin"))
        .build().tokens()).hasSize(1);
    assertThat(ServerConfig.builder().host("0.0.0.0").insecureAllowNoAuth(true).build().host()).isEqualTo("0.0.0.0");
  }

  @Test
  void tokenGrant_badShapes_refusedWithoutQuotingTheSecret() {
    assertThatThrownBy(() -> TokenGrant.parse("short:t:client")).hasMessageContaining("16 to 512")
        .hasMessageNotContaining("short");
    assertThatThrownBy(() -> TokenGrant.parse("a-long-enough-token:t/x:client")).hasMessageContaining("tenant");
    assertThatThrownBy(() -> TokenGrant.parse("a-long-enough-token:t:root")).hasMessageContaining("client or admin");
    assertThatThrownBy(() -> TokenGrant.parse("a-long-enough-token")).hasMessageContaining("TOKEN:TENANT:ROLE");
    assertThat(TokenGrant.parse("a-long-enough-token:t:admin").toString()).doesNotContain("a-long-enough-token");
  }

  @Test
  void durations_outOfRange_refusedWithTheValue() {
    assertThatThrownBy(() -> ServerConfig.builder().lockDelay(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("lock delay must not be negative, was PT-1S");
    assertThatThrownBy(() -> ServerConfig.builder().sessionTtl(Duration.ofHours(2), Duration.ofSeconds(1),
        Duration.ofHours(1)).build()).hasMessageContaining("session TTL must be between");
    assertThat(ServerConfig.builder().lockDelay(Duration.ZERO).build().lockDelay()).isZero();
  }
}
