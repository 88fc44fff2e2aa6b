package io.holdfast.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
      "500ms, PT0.5S",
      "30s, PT30S",
      "2m, PT2M",
      "1h, PT1H",
      "1d, PT24H",
      "0s, PT0S",
      "250 ms, PT0.25S",
      "PT30S, PT30S",
      "PT1.5S, PT1.5S",
      "pt1m30s, PT1M30S",
      "' 5S ', PT5S"})
  void parse_unitOrIso_readsIt(String text, String expected) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "30", "2.5s", "30 sec", "-1s", "1w", "PT", "P1X", "ms", "s30", "1234567890123s"})
  void parse_malformed_refusedNamingTheTextAndTheForms(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + text + "' is not a duration; write 500ms, 30s, 2m, 1h, 1d or PT30S");
  }

  @Test
  void parse_null_refused() {
    assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_largestWholeAmount_doesNotOverflow() {
    assertThat(Durations.parse("999999999999d")).isEqualTo(Duration.ofDays(999_999_999_999L));
  }
}
