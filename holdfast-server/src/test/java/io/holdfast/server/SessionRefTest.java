package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionRefTest {
  @Test
  void issuedIds_areAccepted() {
    for (int i = 0; i < 100; i++) {
      String id = SessionIds.next();
      assertThat(new SessionRef("acme", id).id()).isEqualTo(id);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"AAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAA+",
      "AAAAAAAAAAAAAAAAAAAAA/", "AAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAAA\u00e9", "AAAAAAAAAAAAAAAAAAAAA{",
      "AAAAAAAAAAAAAAAAAAAA\n_"})
  void malformedIds_areRefused(String id) {
    assertThatThrownBy(() -> new SessionRef("acme", id)).isInstanceOf(ServiceException.class)
        .hasMessageContaining("22 URL-safe base64");
  }
}
