package io.holdfast.server;

import java.util.regex.Pattern;

/**
 * A session as named by a caller: its tenant (from the caller's credentials, never from the request) and the id
 * the service handed out. The id is checked for shape before it goes anywhere near a Redis key. Immutable.
 *
 * @param tenant the caller's tenant; a session of another tenant is reported as unknown
 * @param id 22 URL-safe base64 characters
 */
record SessionRef(String tenant, String id) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");

  /**
   * Validates the id.
   *
   * @throws ServiceException INVALID_ARGUMENT when the id is empty or malformed
   */
  SessionRef {
    if (id == null || id.isEmpty()) {
      throw ServiceException.badRequest("session_id must not be empty; open a session first");
    }
    if (!ID.matcher(id).matches()) {
      throw ServiceException.badRequest("session_id must be 22 URL-safe base64 characters, was '"
          + (id.length() > 40 ? id.substring(0, 37) + "..." : id) + "'");
    }
  }
}
