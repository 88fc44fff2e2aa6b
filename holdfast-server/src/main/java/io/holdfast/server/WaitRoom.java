package io.holdfast.server;

import io.holdfast.internal.WaitLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/*
 * Routes release messages (one pattern subscription per instance) to the waits and Watch streams of this
 * instance, by full lock name. Every watcher hears every release (it is a remote client's wake-up); among the
 * waiting acquires only the longest-waiting one that is actually asleep is woken, since only one can win: waking
 * all would turn each release into N Redis calls. If the woken one loses to another instance, the lock is held
 * again and the next release wakes the next waiter; each waiter also re-checks on a bounded timer in case a
 * message is lost. Lists are copy-on-write and entries are removed with the map's atomic compute, so a release
 * racing a registration is delivered or the registrant's first attempt sees the lock free. A fair lock's release
 * names the head of its line (release.lua): then only the waiting acquire of that member is woken, on whichever
 * instance it waits, and no other, so nobody races the head.
 */
final class WaitRoom {
  /**
   * A place in the room; close it when the wait or stream ends. Live at once: the instance's one subscription
   * to release messages is always open.
   */
  interface Registration extends WaitLoop.Registration, AutoCloseable {
    @Override
    void close();

    @Override
    default CompletableFuture<?> live() {
      return LIVE;
    }
  }

  private static final CompletableFuture<Void> LIVE = CompletableFuture.completedFuture(null);

  /**
   * member: the fair waiter's place in line ("<session id> <owner>"), null for a plain waiter or a watcher;
   * since: System.nanoTime() when it entered the room.
   */
  private record Entry(WaitLoop.Sleeper waker, boolean exclusive, String member, long since) { }

  /** The acquires waiting here for one lock (full name), and how long the longest of them has waited. */
  record Waits(String fullName, int waiters, Duration longest) { }

  private final Map<String, List<Entry>> byName = new ConcurrentHashMap<>();

  Registration waiter(String fullName, WaitLoop.Sleeper waker) {
    return waiter(fullName, waker, null);
  }

  /** A waiting acquire; {@code member} is its place in a fair lock's line, or null for the plain lock. */
  Registration waiter(String fullName, WaitLoop.Sleeper waker, String member) {
    return add(fullName, new Entry(waker, true, member, System.nanoTime()));
  }

  Registration watcher(String fullName, WaitLoop.Sleeper waker) {
    return add(fullName, new Entry(waker, false, null, System.nanoTime()));
  }

  void released(String fullName) {
    released(fullName, "");
  }

  /** head: the member a fair release hands off to, or "" when the longest-waiting acquire may try. */
  void released(String fullName, String head) {
    List<Entry> entries = byName.get(fullName);
    if (entries == null) {
      return;
    }
    boolean wokeWaiter = false;
    for (Entry entry : entries) {
      if (!entry.exclusive()) {
        entry.waker().wake();
      } else if (!wokeWaiter && (head.isEmpty() || head.equals(entry.member()))) {
        wokeWaiter = entry.waker().wake();
      }
    }
  }

  int waiters() {
    return count(true);
  }

  int watchers() {
    return count(false);
  }

  /**
   * The locks with acquires waiting in this instance, most waiters first: the dashboard's contention view. Costs
   * one pass over the waiting entries (bounded by the calls in flight), never a store call.
   */
  List<Waits> waits() {
    long now = System.nanoTime();
    List<Waits> out = new ArrayList<>();
    byName.forEach((fullName, entries) -> {
      int n = 0;
      long longest = 0;
      for (Entry entry : entries) {
        if (entry.exclusive()) {
          n++;
          longest = Math.max(longest, now - entry.since());
        }
      }
      if (n > 0) {
        out.add(new Waits(fullName, n, Duration.ofNanos(longest)));
      }
    });
    out.sort(Comparator.comparingInt(Waits::waiters).reversed().thenComparing(Waits::fullName));
    return out;
  }

  private int count(boolean exclusive) {
    int n = 0;
    for (List<Entry> entries : byName.values()) {
      for (Entry entry : entries) {
        n += entry.exclusive() == exclusive ? 1 : 0;
      }
    }
    return n;
  }

  private Registration add(String fullName, Entry entry) {
    byName.compute(fullName, (name, list) -> {
      List<Entry> entries = list == null ? new CopyOnWriteArrayList<>() : list;
      entries.add(entry);
      return entries;
    });
    return () -> byName.computeIfPresent(fullName, (name, list) -> {
      list.remove(entry);
      return list.isEmpty() ? null : list;
    });
  }
}
