package io.holdfast.server;

/**
 * A session as named by a caller: its tenant (from the caller's credentials, never from the request) and the id
 * the service handed out. The id is checked for shape before it goes anywhere near a Redis key, by a loop over
 * its characters rather than a regular expression: this runs on every request, and the matcher showed in the
 * service's profile. Immutable.
 *
 * @param tenant the caller's tenant; a session of another tenant is reported as unknown
 * @param id 22 URL-safe base64 characters
 */
record SessionRef(String tenant, String id) {
  private static final int ID_LENGTH = 22;

  /**
   * Validates the id.
   *
   * @throws ServiceException INVALID_ARGUMENT when the id is empty or malformed
   */
  SessionRef {
    if (id == null || id.isEmpty()) {
      throw ServiceException.badRequest("session_id must not be empty; open a session first");
    }
    if (!wellFormed(id)) {
      throw ServiceException.badRequest("session_id must be 22 URL-safe base64 characters, was '"
          + (id.length() > 40 ? id.substring(0, 37) + "..." : id) + "'");
    }
  }

  /** Whether {@code id} is 22 URL-safe base64 characters ({@code [A-Za-z0-9_-]}). */
  private static boolean wellFormed(String id) {
    if (id.length() != ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < ID_LENGTH; i++) {
      char c = id.charAt(i);
      boolean base64Url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '_' || c == '-';
      if (!base64Url) {
        return false;
      }
    }
    return true;
  }
}
