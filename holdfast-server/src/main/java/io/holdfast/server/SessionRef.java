package io.holdfast.server;

/**
 * A session as named by a caller: its tenant and whose sessions the caller may use (both from the caller's
 * credentials, never from the request) and the id the service handed out. The id is checked for shape before it goes anywhere near a Redis key, by a loop over
 * its characters rather than a regular expression: this runs on every request, and the matcher showed in the
 * service's profile. Immutable.
 *
 * @param tenant the caller's tenant; a session of another tenant is reported as unknown
 * @param id 22 URL-safe base64 characters
 * @param scope the caller's principal id: only a session that principal opened may be used; empty for an admin of
 *     the tenant, who may use every session of it
 */
record SessionRef(String tenant, String id, String scope) {
  private static final int ID_LENGTH = 22;

  /**
   * Validates the id.
   *
   * @throws ServiceException INVALID_ARGUMENT when the id is empty or malformed
   */
  SessionRef {
    if (scope == null) {
      throw new IllegalArgumentException("scope must not be null (empty: an admin of the tenant)");
    }
    if (id == null || id.isEmpty()) {
      throw ServiceException.badRequest("session_id must not be empty; open a session first");
    }
    if (!wellFormed(id)) {
      throw ServiceException.badRequest("session_id must be 22 URL-safe base64 characters, was '"
          + (id.length() > 40 ? id.substring(0, 37) + "..." : id) + "'");
    }
  }

  /** A reference with an admin's scope: every session of the tenant (the store's own steps and tests). */
  SessionRef(String tenant, String id) {
    this(tenant, id, "");
  }

  /**
   * Fails unless this caller may use a session opened by principal {@code owner} (as the session records it).
   *
   * @throws ServiceException PERMISSION_DENIED / FORBIDDEN for another principal's session
   */
  void authorize(String owner) {
    if (!scope.isEmpty() && !scope.equals(owner)) {
      throw ServiceException.sessionForbidden(id);
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
