package io.holdfast.verify;

import io.holdfast.internal.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/*
 * Command-line durations, read by Durations (the one reader: 500ms, 30s, 2m, 1h, 1d or PT30S; a bare number is
 * refused). Named on each option so that VerifyCommand parses the same inside the holdfast CLI and on its own.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
