package io.holdfast.server;

import io.holdfast.AcquireRequest;
import io.holdfast.InvalidArgumentException;
import io.holdfast.OwnerToken;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/*
 * Validation of every request field, before anything reaches the store: each rule fails with INVALID_ARGUMENT
 * and a message that names the field and the rejected value, so a bad request changes nothing. The limits come
 * from the server's configuration. Immutable.
 */
final class Requests {
  static final int MAX_RENEWALS = 10_000;
  static final int MAX_LIST = 1_000;
  static final long MAX_CLOCK_OFFSET_MICROS = 86_400_000_000L;

  private final ServerConfig config;

  Requests(ServerConfig config) {
    this.config = config;
  }

  SessionRef session(Principal caller, String id) {
    return new SessionRef(caller.tenant(), id, caller.sessionScope());
  }

  LockKey lock(Principal caller, String name) {
    return new LockKey(caller.tenant(), name);
  }

  String owner(String owner, String sessionId) {
    String value = owner == null || owner.isEmpty() ? sessionId : owner;
    try {
      return OwnerToken.of(value).value();
    } catch (InvalidArgumentException e) {
      throw ServiceException.badRequest(e.getMessage());
    }
  }

  String clientName(String name) {
    if (name == null || name.isEmpty()) {
      return "unnamed";
    }
    if (name.length() > 128 || name.chars().anyMatch(Character::isISOControl)) {
      throw ServiceException.badRequest("client_name must be 1 to 128 characters without control characters, was "
          + name.length() + " characters");
    }
    return name;
  }

  /** The client's host as it said at OpenSession: "" (unknown) or up to 255 characters without control ones. */
  String clientHost(String host) {
    if (host.length() > 255 || host.chars().anyMatch(Character::isISOControl)) {
      throw ServiceException.badRequest("client_host must be at most 255 characters without control characters,"
          + " was " + host.length() + " characters");
    }
    return host;
  }

  /** A reported clock offset: at most a day either way (a larger one is a bug or an unset clock, not a figure). */
  Optional<Duration> clockOffset(boolean present, long micros) {
    if (!present) {
      return Optional.empty();
    }
    if (micros < -MAX_CLOCK_OFFSET_MICROS || micros > MAX_CLOCK_OFFSET_MICROS) {
      throw ServiceException.badRequest("clock_offset_us must be within a day either way, was " + micros);
    }
    return Optional.of(Duration.ofNanos(micros * 1000));
  }

  Duration sessionTtl(long ms) {
    if (ms == 0) {
      return config.sessionTtl();
    }
    Duration ttl = Duration.ofMillis(ms);
    if (ttl.compareTo(config.minSessionTtl()) < 0 || ttl.compareTo(config.maxSessionTtl()) > 0) {
      throw ServiceException.badRequest("ttl_ms must be between " + config.minSessionTtl().toMillis() + " and "
          + config.maxSessionTtl().toMillis() + " (0 for the default " + config.sessionTtl().toMillis()
          + "), was " + ms);
    }
    return ttl;
  }

  /** A lease TTL; zero is allowed where {@code allowZero} (a lock bound to its session only). */
  Duration leaseTtl(long ms, boolean allowZero) {
    if (ms == 0 && allowZero) {
      return Duration.ZERO;
    }
    Duration ttl = Duration.ofMillis(ms);
    if (ttl.compareTo(AcquireRequest.MIN_TTL) < 0 || ttl.compareTo(AcquireRequest.MAX_TTL) > 0) {
      throw ServiceException.badRequest("lease_ttl_ms must be between " + AcquireRequest.MIN_TTL.toMillis()
          + " and " + AcquireRequest.MAX_TTL.toMillis() + (allowZero ? " (or 0: bound to the session)" : "")
          + ", was " + ms);
    }
    return ttl;
  }

  Duration waitTimeout(long ms) {
    if (ms < 0 || ms > config.maxWait().toMillis()) {
      throw ServiceException.badRequest("wait_timeout_ms must be between 0 and " + config.maxWait().toMillis()
          + " (this server's longest wait per call; call again to wait longer), was " + ms);
    }
    return Duration.ofMillis(ms);
  }

  Duration waiterHint(long ms) {
    if (ms < 0 || ms > config.maxWait().toMillis()) {
      throw ServiceException.badRequest("waiter_hint_ms must be between 0 and " + config.maxWait().toMillis()
          + ", was " + ms);
    }
    return Duration.ofMillis(ms);
  }

  /** Fair mode's keep time of the caller's place in line (null for the plain lock); bounded like a waiter hint. */
  Duration queueKeep(boolean fair, long ms) {
    if (!fair) {
      return null;
    }
    if (ms < 0 || ms > config.maxWait().toMillis()) {
      throw ServiceException.badRequest("queue_keep_ms must be between 0 and " + config.maxWait().toMillis()
          + ", was " + ms);
    }
    return Duration.ofMillis(ms);
  }

  long token(long token) {
    if (token <= 0) {
      throw ServiceException.badRequest("fencing_token must be positive, was " + token);
    }
    return token;
  }

  long requestId(long id) {
    return id != 0 ? id : ThreadLocalRandom.current().nextLong();
  }

  int renewals(int count) {
    if (count > MAX_RENEWALS) {
      throw ServiceException.badRequest("at most " + MAX_RENEWALS + " renewals per keep-alive, got " + count);
    }
    return count;
  }

  int limit(int limit) {
    if (limit < 0) {
      throw ServiceException.badRequest("limit must not be negative, was " + limit);
    }
    return limit == 0 ? MAX_LIST : Math.min(limit, MAX_LIST);
  }

  String namePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return "";
    }
    if (prefix.length() > 512 || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0
        || prefix.chars().anyMatch(Character::isISOControl)) {
      throw ServiceException.badRequest("prefix must be at most 512 characters without braces or control"
          + " characters");
    }
    return prefix;
  }

  /** A listing's page token: a lock name (the last the previous page covered) or "", checked like a prefix. */
  String pageToken(String token) {
    try {
      return namePrefix(token);
    } catch (ServiceException e) {
      throw ServiceException.badRequest("page_token must be a next_page_token of a previous listing");
    }
  }
}
