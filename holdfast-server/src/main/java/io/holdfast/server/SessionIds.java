package io.holdfast.server;

import java.security.SecureRandom;
import java.util.Base64;

/*
 * Session ids: 128 random bits as 22 URL-safe base64 characters. Unguessable, so an id is also a capability
 * within its tenant; SecureRandom is thread-safe.
 */
final class SessionIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionIds() { }

  static String next() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
