package io.holdfast.server;

import io.holdfast.InvalidArgumentException;
import io.holdfast.LockName;
import java.nio.charset.StandardCharsets;

/**
 * A lock as the service stores it: the caller's tenant and the name it asked for. The stored name is
 * {@code <tenant>/<name>}, which must itself be a valid {@link LockName} (at most 512 UTF-8 bytes, no braces, no
 * control characters), so that the lock key {@code <prefix>:{<tenant>/<name>}} is the one the holdfast-redis
 * library would use for the name {@code <tenant>/<name>}, and fencing tokens of both paths come from one counter.
 * Immutable, and validated when made, so a key built from it can never contain a brace or a control character.
 *
 * @param tenant the caller's tenant
 * @param name the name within the tenant
 */
record LockKey(String tenant, String name) {

  /**
   * Validates the name for the tenant.
   *
   * @throws ServiceException INVALID_ARGUMENT naming the rule that was broken
   */
  LockKey {
    if (name == null || name.isEmpty()) {
      throw ServiceException.badRequest("lock name must not be empty");
    }
    int limit = LockName.MAX_BYTES - tenant.length() - 1;
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > limit) {
      throw ServiceException.badRequest("lock name is " + bytes + " bytes; the limit for tenant '" + tenant
          + "' is " + limit + " (" + LockName.MAX_BYTES + " including the '" + tenant + "/' prefix)");
    }
    try {
      LockName.of(name);
    } catch (InvalidArgumentException e) {
      throw ServiceException.badRequest(e.getMessage());
    }
  }

  /** The stored name, {@code <tenant>/<name>}. */
  String fullName() {
    return tenant + "/" + name;
  }

  /** The tenant-free name of a stored full name of this tenant, or null if it belongs to another tenant. */
  static String nameWithin(String tenant, String fullName) {
    return fullName.startsWith(tenant + "/") ? fullName.substring(tenant.length() + 1) : null;
  }
}
