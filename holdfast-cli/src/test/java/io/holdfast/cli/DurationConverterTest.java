package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void convert_readsWhatDurationsReads() {
    assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void convert_malformed_conversionErrorWithTheForms() {
    assertThatThrownBy(() -> converter.convert("30"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("'30' is not a duration; write 500ms, 30s, 2m, 1h, 1d or PT30S");
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
