package io.holdfast.cli;

import io.holdfast.internal.Durations;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts command-line durations with {@link Durations} (a whole number with a unit, {@code 500ms}, {@code 30s},
 * {@code 2m}, {@code 1h}, {@code 1d}, or ISO-8601 {@code PT30S}; a bare number is refused), and formats them back.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  /* Beyond this toMillis() could overflow; no option accepts anything near it anyway. */
  private static final long MAX_SECONDS = 1L << 40;

  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /**
   * Formats a duration the way it is typed: {@code 500ms}, {@code 2s}, {@code 1m30s}, {@code 1.250s}. Falls back
   * to ISO-8601 for what cannot be typed that way (negative, sub-millisecond or absurdly long), so that
   * formatting a rejected value for an error message can never fail.
   */
  static String format(Duration duration) {
    if (duration.isNegative() || duration.getNano() % 1_000_000 != 0 || duration.getSeconds() > MAX_SECONDS) {
      return duration.toString();
    }
    long millis = duration.toMillis();
    if (millis > 0 && millis < 1000) {
      return millis + "ms";
    }
    if (millis % 1000 != 0) {
      return String.format(Locale.ROOT, "%.3fs", millis / 1000.0);
    }
    long seconds = millis / 1000;
    StringBuilder text = new StringBuilder();
    if (seconds >= 3600) {
      text.append(seconds / 3600).append('h');
      seconds %= 3600;
    }
    if (seconds >= 60) {
      text.append(seconds / 60).append('m');
      seconds %= 60;
    }
    if (seconds > 0 || text.length() == 0) {
      text.append(seconds).append('s');
    }
    return text.toString();
  }
}
