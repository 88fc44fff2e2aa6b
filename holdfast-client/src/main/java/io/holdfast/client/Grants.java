package io.holdfast.client;

import io.holdfast.FencingToken;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Which session each grant of this client was made in, so that its renewals and release go through that session
 * (a lease cannot outlive the session it is bound to). Entries go when the grant is released, found lost, or has
 * not been renewed for several of its TTLs (the engine gave up on it); that bounds the map by the live grants.
 * The stale scan walks the whole map, so it runs at most once per second rather than on every grant (with
 * thousands of held leases it would otherwise cost every acquire a walk over all of them). A concurrent map of
 * immutable entries; the time of the last scan is claimed with compare-and-set, so one thread scans at a time.
 */
final class Grants {
  record Key(LockName name, OwnerToken owner, FencingToken token) { }

  private record Entry(String sessionId, long ttlNanos, long touchedNanos) { }

  private static final int STALE_AFTER_TTLS = 3;
  private static final long PRUNE_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

  private final Map<Key, Entry> bySession = new ConcurrentHashMap<>();
  private final AtomicLong prunedNanos = new AtomicLong(System.nanoTime());

  void granted(Key key, String sessionId, Duration ttl) {
    bySession.put(key, new Entry(sessionId, ttl.toNanos(), System.nanoTime()));
    prune();
  }

  Optional<String> sessionOf(Key key) {
    return Optional.ofNullable(bySession.get(key)).map(Entry::sessionId);
  }

  void touched(Key key) {
    bySession.computeIfPresent(key, (k, e) -> new Entry(e.sessionId(), e.ttlNanos(), System.nanoTime()));
  }

  void forget(Key key) {
    bySession.remove(key);
  }

  private void prune() {
    long now = System.nanoTime();
    long last = prunedNanos.get();
    if (now - last < PRUNE_EVERY_NANOS || !prunedNanos.compareAndSet(last, now)) {
      return;
    }
    bySession.values().removeIf(e -> now - e.touchedNanos() > STALE_AFTER_TTLS * e.ttlNanos());
  }
}
