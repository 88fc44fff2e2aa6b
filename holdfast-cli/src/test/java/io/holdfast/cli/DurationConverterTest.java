package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @ParameterizedTest
  @CsvSource({
      "500ms, PT0.5S",
      "30s, PT30S",
      "2m, PT2M",
      "1h, PT1H",
      "1d, PT24H",
      "0s, PT0S",
      "PT30S, PT30S",
      "pt1m30s, PT1M30S",
      "' 5S ', PT5S"})
  void convert_unitOrIso_parses(String text, String expected) {
    assertThat(converter.convert(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "30", "2.5s", "30 sec", "-1s", "1w", "PT", "P1X", "ms", "s30"})
  void convert_malformed_throwsWithExamples(String text) {
    assertThatThrownBy(() -> converter.convert(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'" + text + "' is not a duration")
        .hasMessageContaining("30s")
        .hasMessageContaining("PT30S");
  }

  @Test
  void convert_hugeAmount_parsesAndFormatsWithoutOverflow() {
    Duration huge = converter.convert("999999999999d");

    assertThat(DurationConverter.format(huge)).isEqualTo(huge.toString());
  }

  @Test
  void convert_null_throwsConversionError() {
    assertThatThrownBy(() -> converter.convert(null)).isInstanceOf(TypeConversionException.class);
  }

  @ParameterizedTest
  @CsvSource({"PT0.5S, 500ms", "PT2S, 2s", "PT1M30S, 1m30s", "PT1H, 1h", "PT1.25S, 1.250s", "PT0S, 0s",
      "PT-5S, PT-5S", "PT0.0001S, PT0.0001S"})
  void format_duration_readsAsTyped(String duration, String expected) {
    assertThat(DurationConverter.format(Duration.parse(duration))).isEqualTo(expected);
  }
}
