package io.holdfast.server;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/*
 * The immutable values a LockStore answers with. They are plain records so that the Redis and in-memory stores
 * answer with exactly the same shapes, and the gRPC layer converts them in one place (Wire).
 */
final class StoreViews {
  private StoreViews() { }

  /** A session just opened. */
  record OpenedSession(String id, Duration ttl, Duration lockDelay) { }

  /** One lease to renew with a keep-alive. */
  record Renewal(LockKey lock, String owner, long token, Duration ttl) { }

  /**
   * What a keep-alive did: the session's TTL, per renewal whether it was renewed, and the store's clock when it
   * extended the session (epoch ms; 0 when the store cannot tell).
   */
  record KeepAliveResult(Duration ttl, List<Boolean> renewed, long storeTimeMillis) {
    KeepAliveResult(Duration ttl, List<Boolean> renewed) {
      this(ttl, renewed, 0);
    }
  }

  /** What one acquire attempt found. */
  sealed interface AcquireResult permits Granted, Busy { }

  /**
   * The caller holds the lock; {@code waited}: how long the call waited (this server's monotonic clock) before the
   * attempt that granted it was sent, zero for a store's own answer.
   */
  record Granted(long token, int holds, Duration waited) implements AcquireResult {
    Granted(long token, int holds) {
      this(token, holds, Duration.ZERO);
    }
  }

  /** Someone else holds it ({@code delayed}: nobody, but it is in lock-delay) for {@code remaining} more. */
  record Busy(Duration remaining, boolean delayed) implements AcquireResult { }

  /** A held or lock-delayed lock; session, acquired-at and client name are empty/0 for library grants. */
  record LockView(String name, boolean delayed, String owner, long token, int holds, Duration remaining,
      String sessionId, long acquiredAtMillis, String clientName) { }

  /**
   * One page of a lock listing, by name; {@code next} is the name (within the tenant) to start the next page
   * after, "" on the last page.
   */
  record LockPage(List<LockView> locks, String next) {
    LockPage {
      locks = List.copyOf(locks);
    }
  }

  /** One waiter of a lock. */
  record WaiterView(String sessionId, String owner, String clientName, Duration remaining) { }

  /** One session; {@code remaining} is negative once it has expired. */
  record SessionView(String id, String clientName, Duration ttl, Duration remaining, int lockCount,
      ClientFacts client) { }

  /**
   * What a session's client said about itself: its host ("" unknown) at open, and the offset of its wall clock
   * from the store's clock it last reported in a keep-alive (empty until it has).
   */
  record ClientFacts(String host, Optional<Duration> clockOffset) {
    static final ClientFacts UNKNOWN = new ClientFacts("", Optional.empty());

    /** From the session hash fields: host, and offset in microseconds ("" when not reported). */
    static ClientFacts of(String host, String offsetMicros) {
      return new ClientFacts(host, offsetMicros.isEmpty() ? Optional.empty()
          : Optional.of(Duration.ofNanos(Long.parseLong(offsetMicros) * 1000)));
    }
  }

  /** The result of a force-release: whether a grant was freed, and its token. */
  record Forced(boolean released, long token) { }

  /** Housekeeping counts: sessions that expired since the last run, live sessions, indexed locks. */
  record Housekeeping(long expiredSessions, long activeSessions, long indexedLocks) { }
}
