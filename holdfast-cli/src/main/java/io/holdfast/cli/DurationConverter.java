package io.holdfast.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts command-line durations: a whole number with a unit ({@code 500ms}, {@code 30s}, {@code 2m},
 * {@code 1h}, {@code 1d}) or ISO-8601 ({@code PT30S}). A bare number is refused: "--ttl 2" could mean seconds
 * or milliseconds, and guessing wrong by a factor of 1000 is worse than asking.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  /* Beyond this toMillis() could overflow; no option accepts anything near it anyway. */
  private static final long MAX_SECONDS = 1L << 40;
  private static final Pattern WITH_UNIT = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

  @Override
  public Duration convert(String value) {
    String text = value == null ? "" : value.trim();
    Matcher matcher = WITH_UNIT.matcher(text.toLowerCase(Locale.ROOT));
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    if (text.regionMatches(true, 0, "P", 0, 1)) {
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw invalid(value);
      }
    }
    throw invalid(value);
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException("'" + value + "' is not a duration; use a number with a unit"
        + " (500ms, 30s, 2m, 1h, 1d) or ISO-8601 (PT30S)");
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
