package io.holdfast.server;

import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import io.holdfast.api.v1.Reason;

/*
 * A failure the service reports to its caller: the library's ErrorCode (mapped one to one onto a gRPC status by
 * Errors) plus the wire Reason that tells apart cases sharing a code (NOT_OWNER, SESSION_EXPIRED and
 * SESSION_UNKNOWN are all LEASE_LOST). Immutable, so it is safe to complete futures with from any thread.
 */
final class ServiceException extends HoldfastException {
  private static final long serialVersionUID = 1L;

  private final Reason reason;

  ServiceException(ErrorCode code, Reason reason, String message) {
    this(code, reason, message, null);
  }

  ServiceException(ErrorCode code, Reason reason, String message, Throwable cause) {
    super(code, message, cause);
    this.reason = reason;
  }

  Reason reason() {
    return reason;
  }

  static ServiceException badRequest(String message) {
    return new ServiceException(ErrorCode.INVALID_ARGUMENT, Reason.BAD_REQUEST, message);
  }

  static ServiceException notOwner(String message) {
    return new ServiceException(ErrorCode.LEASE_LOST, Reason.NOT_OWNER, message);
  }

  /** A release refused by the lock rules (release.lua's -1), the same words on every store. */
  static ServiceException releaseRefused(String lockName, String owner, long token) {
    return notOwner("lock '" + lockName + "' is not held by owner " + owner + " under fencing token " + token
        + " (it expired, is in lock-delay, was force-released or taken); nothing was changed");
  }

  static ServiceException sessionUnknown(String sessionId) {
    return new ServiceException(ErrorCode.LEASE_LOST, Reason.SESSION_UNKNOWN,
        "session " + sessionId + " is unknown to this tenant (never opened, closed, or expired long ago);"
            + " open a new session");
  }

  /** A session of the caller's tenant that another token opened (session scripts' -3). */
  static ServiceException sessionForbidden(String sessionId) {
    return new ServiceException(ErrorCode.PERMISSION_DENIED, Reason.FORBIDDEN,
        "session " + sessionId + " was opened with another token; only that token or an admin of the tenant may"
            + " use, keep alive or close it");
  }

  static ServiceException sessionExpired(String sessionId) {
    return new ServiceException(ErrorCode.LEASE_LOST, Reason.SESSION_EXPIRED,
        "session " + sessionId + " has expired: its locks were freed (after their lock-delay); open a new"
            + " session");
  }

  static ServiceException unavailable(String message, Throwable cause) {
    return new ServiceException(ErrorCode.UNAVAILABLE, Reason.REDIS_UNAVAILABLE, message, cause);
  }
}
