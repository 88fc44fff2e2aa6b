package io.holdfast;

import java.nio.charset.StandardCharsets;

/**
 * The name of a lock: every client that uses the same name contends for the same lock.
 *
 * <p>Rules, checked here so that a bad name fails before anything is sent: 1 to {@value #MAX_BYTES} bytes of
 * UTF-8, valid Unicode (no lone surrogate, which UTF-8 cannot encode: Java would send it as '?', making it the
 * same lock as the name with a '?'), no control characters, and no curly braces ({@code {}}): Holdfast wraps the name in a Redis Cluster
 * hash tag so that every key of one lock lands in one slot, and a brace inside the name would cut that tag short.
 *
 * @param value the name as given
 */
public record LockName(String value) {
  /** The longest name accepted, in UTF-8 bytes. */
  public static final int MAX_BYTES = 512;

  /**
   * Validates the name.
   *
   * @throws InvalidArgumentException when the name breaks one of the rules above; the message quotes it
   */
  public LockName {
    if (value == null || value.isEmpty()) {
      throw new InvalidArgumentException("lock name must not be empty");
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new InvalidArgumentException(
          "lock name is " + bytes + " bytes, the limit is " + MAX_BYTES + ": '" + abbreviate(value) + "'");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        throw new InvalidArgumentException(
            "lock name must not contain control characters (found U+" + String.format("%04X", (int) c)
                + " at index " + i + "): '" + abbreviate(value) + "'");
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
        continue;
      }
      if (Character.isSurrogate(c)) {
        throw new InvalidArgumentException("lock name is not valid Unicode: a lone surrogate U+"
            + String.format("%04X", (int) c) + " at index " + i + " (UTF-8 cannot encode it)");
      }
      if (c == '{' || c == '}') {
        throw new InvalidArgumentException(
            "lock name must not contain '{' or '}' (they delimit Redis Cluster hash tags): '" + abbreviate(value)
                + "'");
      }
    }
  }

  /**
   * Parses a name.
   *
   * @param value the name
   * @return the validated name
   * @throws InvalidArgumentException when the name is invalid
   */
  public static LockName of(String value) {
    return new LockName(value);
  }

  private static String abbreviate(String value) {
    String printable = value.codePoints()
        .map(cp -> Character.isISOControl(cp) ? '?' : cp)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
    return printable.length() <= 64 ? printable : printable.substring(0, 61) + "...";
  }

  @Override
  public String toString() {
    return value;
  }
}
