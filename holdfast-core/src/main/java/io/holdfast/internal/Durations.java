package io.holdfast.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of durations typed by people (command-line options, the server's configuration, backend URI
 * parameters): a whole number with a unit, {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d}, or
 * ISO-8601 such as {@code PT1.5S}, either case. A bare number is refused: "2" could mean seconds or milliseconds,
 * and guessing wrong by a factor of 1000 is worse than asking. Callers check the range they need and wrap the
 * failure in their own error type, naming the setting.
 *
 * <p>Stateless and thread-safe.
 */
public final class Durations {
  private static final Pattern WITH_UNIT = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

  /** How a duration is written, for error messages: {@value}. */
  public static final String FORMS = "500ms, 30s, 2m, 1h, 1d or PT30S";

  private Durations() { }

  /**
   * Reads a duration.
   *
   * @param text a whole number with a unit ({@code ms s m h d}) or ISO-8601; surrounding spaces are ignored
   * @return the duration, which may be zero or (ISO-8601 only) negative
   * @throws IllegalArgumentException when the text is none of those, naming it and the accepted forms
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher matcher = WITH_UNIT.matcher(t);
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
    if (t.startsWith("p") || t.startsWith("-p")) {
      try {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        // Reported below with the accepted forms.
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not a duration; write " + FORMS);
  }
}
