package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** The converter every duration option of {@code holdfast verify} names; the grammar is DurationsTest's. */
class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void convert_unitOrIso_reads() {
    assertThat(converter.convert("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(converter.convert("PT0.5S")).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void convert_bareNumber_conversionErrorNamingTheForms() {
    assertThatThrownBy(() -> converter.convert("60"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("'60' is not a duration; write 500ms, 30s, 2m, 1h, 1d or PT30S");
  }

  @Test
  void durationOption_onTheCommand_usesIt() {
    VerifyCommand command = new VerifyCommand();
    new CommandLine(command).parseArgs("--duration", "2m");

    assertThat(command.duration).isEqualTo(Duration.ofMinutes(2));
  }
}
