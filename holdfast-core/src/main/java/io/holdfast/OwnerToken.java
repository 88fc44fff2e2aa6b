package io.holdfast;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Who holds a lock: an opaque token, not a thread id, so a lease may be used and released from any thread,
 * callback or process that knows the token.
 *
 * <p>Each acquire without an explicit owner gets a fresh random owner, so two acquires never share a lease by
 * accident. Passing the same owner again (for example {@code lease.owner()}) re-enters the lock: the hold
 * count grows and the fencing token stays the same.
 *
 * @param value 1 to {@value #MAX_LENGTH} printable ASCII characters without spaces
 */
public record OwnerToken(String value) {
  /** The longest owner token accepted. */
  public static final int MAX_LENGTH = 128;

  /*
   * 64 bits drawn once per JVM from SecureRandom, plus 64 per call from ThreadLocalRandom. SecureRandom on
   * every acquire serialised all threads on one lock (13% of worker samples in the benchmark); uniqueness,
   * not secrecy, is what an owner token needs, and the per-JVM half keeps processes apart.
   */
  private static final long JVM_PREFIX = new SecureRandom().nextLong();

  /**
   * Validates the token.
   *
   * @throws InvalidArgumentException when the token is empty, too long, or has a character outside {@code !..~}
   */
  public OwnerToken {
    if (value == null || value.isEmpty()) {
      throw new InvalidArgumentException("owner token must not be empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidArgumentException(
          "owner token is " + value.length() + " characters, the limit is " + MAX_LENGTH);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '!' || c > '~') {
        throw new InvalidArgumentException(
            "owner token may hold only printable ASCII without spaces; found U+"
                + String.format("%04X", (int) c) + " at index " + i);
      }
    }
  }

  /**
   * A new token of 128 bits (22 URL-safe base64 characters): 64 chosen once per JVM by {@link SecureRandom}
   * and 64 random per call, so unique across threads, processes and machines for every practical purpose. Not a
   * secret: do not use it as a credential.
   *
   * @return a fresh owner
   */
  public static OwnerToken random() {
    byte[] bytes = java.nio.ByteBuffer.allocate(16).putLong(JVM_PREFIX)
        .putLong(java.util.concurrent.ThreadLocalRandom.current().nextLong()).array();
    return new OwnerToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /**
   * Wraps an application-chosen token, such as a job id that several processes share.
   *
   * @param value the token
   * @return the validated token
   * @throws InvalidArgumentException when the token is invalid
   */
  public static OwnerToken of(String value) {
    return new OwnerToken(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
