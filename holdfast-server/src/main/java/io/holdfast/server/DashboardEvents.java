package io.holdfast.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/*
 * The dashboard's recent lease-lost and forced-release events, as this instance saw them answering calls: a
 * bounded ring (the newest CAPACITY events across tenants), so memory stays fixed whatever the event rate. Events
 * are per instance and lost on restart; they are a picture for an operator, never an input to a decision.
 * Thread-safe: every method holds the ring's monitor for a copy or an append, never while calling out.
 */
final class DashboardEvents {
  static final int CAPACITY = 200;

  /** One event; {@code atMillis} is this server's wall clock when it saw it. */
  record Event(long atMillis, String tenant, String kind, String lock, String detail) { }

  private final Deque<Event> ring = new ArrayDeque<>(CAPACITY);

  /** A lease its holder asked to renew was no longer its own (expired, taken over, or forced free). */
  void leaseLost(String tenant, String lock, String detail) {
    add(new Event(System.currentTimeMillis(), tenant, "lease-lost", lock, detail));
  }

  /** An admin freed a lock whoever held it. */
  void forcedRelease(String tenant, String lock, long token) {
    add(new Event(System.currentTimeMillis(), tenant, "forced-release", lock, "fencing token " + token));
  }

  /** A session's keep-alive found it expired or unknown: every lock it held was lost. */
  void sessionLost(String tenant, String sessionId, String detail) {
    add(new Event(System.currentTimeMillis(), tenant, "session-lost", "", "session " + sessionId + ": " + detail));
  }

  /** The newest {@code max} events of {@code tenant}, newest first. */
  List<Event> recent(String tenant, int max) {
    List<Event> out = new ArrayList<>();
    synchronized (ring) {
      for (Iterator<Event> it = ring.descendingIterator(); it.hasNext() && out.size() < max; ) {
        Event event = it.next();
        if (event.tenant().equals(tenant)) {
          out.add(event);
        }
      }
    }
    return out;
  }

  private void add(Event event) {
    synchronized (ring) {
      if (ring.size() == CAPACITY) {
        ring.removeFirst();
      }
      ring.addLast(event);
    }
  }
}
