package io.holdfast.verify;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What the client JVMs lock through: the library straight on Redis, or the lock service ({@code holdfast-server}
 * instances over the same Redis, clients on {@code holdfast://}).
 *
 * <p>Through the service a lock is also freed when its session expires, and stays ungrantable for the lock-delay
 * after that. The checkers' model (C3, C4: a lease is not lost before TTL after its grant's invoke unless Redis
 * lost data) stays exact as long as {@code lockDelay >= TTL}: a session is live at the grant, so a lock its
 * expiry frees cannot be granted again before grant + lock-delay. The standard setup keeps that margin, and a
 * session TTL of two lease TTLs, so that a client frozen or cut off for longer loses its session (half the
 * pauses do) and the session path is exercised. Setups outside that margin are negative controls.
 *
 * @param kind library or service
 * @param instances how many service instances run (0 for the library)
 * @param sessionTtl the session TTL the clients ask for (zero for the library)
 * @param lockDelay the service's lock-delay (zero for the library, which has none)
 */
record Target(Kind kind, int instances, Duration sessionTtl, Duration lockDelay) {

  /** Library or service. */
  enum Kind {
    LIBRARY, SERVICE;

    String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind parse(String name) {
      for (Kind kind : values()) {
        if (kind.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown target '" + name + "'; known: library, service");
    }
  }

  Target {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(sessionTtl, "sessionTtl");
    Objects.requireNonNull(lockDelay, "lockDelay");
    if (kind == Kind.LIBRARY && (instances != 0 || !sessionTtl.isZero() || !lockDelay.isZero())) {
      throw new IllegalArgumentException("the library target has no instances, sessions or lock-delay");
    }
    if (kind == Kind.SERVICE && (instances < 1 || instances > 8)) {
      throw new IllegalArgumentException("service instances must be 1 to 8, was " + instances);
    }
    if (kind == Kind.SERVICE && (sessionTtl.toMillis() < 10 || lockDelay.isNegative())) {
      throw new IllegalArgumentException("session TTL must be at least 10ms and lock-delay not negative, were "
          + sessionTtl + ", " + lockDelay);
    }
  }

  /** The library on Redis. */
  static Target library() {
    return new Target(Kind.LIBRARY, 0, Duration.ZERO, Duration.ZERO);
  }

  /** Two service instances, sessions of two lease TTLs, lock-delay of one lease TTL (see the class comment). */
  static Target service(Duration ttl) {
    return new Target(Kind.SERVICE, 2, ttl.multipliedBy(2), ttl);
  }

  /** The target a {@code --target} name selects, in its standard setup for this lease TTL. */
  static Target of(Kind kind, Duration ttl) {
    return kind == Kind.LIBRARY ? library() : service(ttl);
  }

  boolean isService() {
    return kind == Kind.SERVICE;
  }

  Target withSessionTtl(Duration value) {
    return new Target(kind, instances, value, lockDelay);
  }

  Target withLockDelay(Duration value) {
    return new Target(kind, instances, sessionTtl, value);
  }

  /** Whether the checkers' lease model holds for this setup (always for the library). */
  boolean keepsLeaseModel(Duration ttl) {
    return kind == Kind.LIBRARY || lockDelay.compareTo(ttl) >= 0;
  }

  /** One line for the report. */
  String describe(Duration ttl) {
    if (kind == Kind.LIBRARY) {
      return "library (holdfast-redis), clients on Redis";
    }
    return String.format(Locale.ROOT, "lock service: %d holdfast-server instances (one JVM each) over that Redis,"
        + " clients on holdfast:// behind their proxies; session TTL %d ms, lock-delay %d ms%s", instances,
        sessionTtl.toMillis(), lockDelay.toMillis(),
        keepsLeaseModel(ttl) ? "" : " (NEGATIVE CONTROL: lock-delay below the lease TTL)");
  }
}
