package io.holdfast.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The in-process table of leased holders behind the read/write lock and the semaphore: the rules of
 * holdfast-redis's rwlock_acquire.lua, semaphore_acquire.lua, holders_release.lua and holders_renew.lua (holders.lua
 * describes the data), followed step by step for the one process that holds the table. It is the engine of the
 * {@code embedded:} backend's primitives, so that backend keeps no rules of its own. Not an API: its package is
 * {@code internal}.
 *
 * <p>Time is the monotonic clock ({@link System#nanoTime()}), the table's "server clock". Tokens are
 * {@code max(counter + 1, wall clock in microseconds)}, as in {@link LockTable}; read and write grants of a name
 * share the one counter.
 *
 * <p>Safe: every method holds the table's monitor, which makes each one atomic exactly as a script is in Redis.
 * Release notifications go to {@code onRelease} after the monitor is released.
 */
public final class HolderTable {
  /** The two kinds of name, as the Redis keys {@code :rw} and {@code :sem} keep them apart. */
  public enum Space { READ_WRITE, SEMAPHORE }

  /** What an acquire came to. */
  public sealed interface Outcome permits Granted, Busy, Refused { }

  /**
   * Granted, re-entered or repeated.
   *
   * @param token the hold's fencing token
   * @param holds the owner's holds of it after the call
   */
  public record Granted(long token, int holds) implements Outcome { }

  /**
   * Busy.
   *
   * @param remaining how long until a blocker's lease (or a writer's announcement) can end without a message
   */
  public record Busy(Duration remaining) implements Outcome { }

  /** Refused: a read holder asked for the write side (rwlock_acquire.lua's -3); nothing changed. */
  public record Refused() implements Outcome { }

  /**
   * One entry of a batched renewal.
   *
   * @param name the primitive's name
   * @param member the holder: {@link #WRITER}, {@link #reader(String)} or {@link #permit(String)}
   * @param owner the owner token
   * @param token the hold's fencing token
   * @param ttl the new TTL from now
   */
  public record Renewal(String name, String member, String owner, long token, Duration ttl) { }

  /** The member of a read/write lock's writer. */
  public static final String WRITER = "w";

  private static final class Holder {
    final String owner;
    final long token;
    int holds = 1;
    long request;
    long expiresAt;

    Holder(String owner, long token, long request, long expiresAt) {
      this.owner = owner;
      this.token = token;
      this.request = request;
      this.expiresAt = expiresAt;
    }
  }

  /** One name's holders (holders.lua's hash and zset) and announced writers (rwlock_acquire.lua's KEYS[3]). */
  private static final class Holders {
    final Map<String, Holder> members = new HashMap<>();
    final Map<String, Long> announced = new HashMap<>();

    void prune(long now) {
      members.values().removeIf(holder -> holder.expiresAt - now <= 0);
      announced.values().removeIf(until -> until - now <= 0);
    }

    boolean isEmpty() {
      return members.isEmpty() && announced.isEmpty();
    }

    long untilExpiry(long now, boolean first) {
      long at = first ? Long.MAX_VALUE : Long.MIN_VALUE;
      for (Holder holder : members.values()) {
        at = first ? Math.min(at, holder.expiresAt - now) : Math.max(at, holder.expiresAt - now);
      }
      return members.isEmpty() ? 0 : Math.max(0, at);
    }
  }

  private final Map<Space, Map<String, Holders>> spaces = Map.of(Space.READ_WRITE, new HashMap<>(),
      Space.SEMAPHORE, new HashMap<>());
  private final BiConsumer<Space, String> onRelease;
  private long fence;

  /**
   * A new, empty table.
   *
   * @param onRelease told the space and name of every release that may let a waiter in, outside the monitor; it
   *     must not block
   */
  public HolderTable(BiConsumer<Space, String> onRelease) {
    this.onRelease = Objects.requireNonNull(onRelease, "onRelease");
  }

  /**
   * The member of a reader.
   *
   * @param owner the owner token
   * @return {@code r<owner>}
   */
  public static String reader(String owner) {
    return "r" + owner;
  }

  /**
   * The member of a permit holder.
   *
   * @param owner the owner token
   * @return {@code p<owner>}
   */
  public static String permit(String owner) {
    return "p" + owner;
  }

  /**
   * rwlock_acquire.lua: the read side ({@code write} false) or the write side.
   *
   * @param name the lock
   * @param write which side
   * @param owner the owner token
   * @param ttl the lease TTL
   * @param requestId the attempt's id
   * @param yieldToWriters read: stay out while a writer is announced
   * @param announce write: when busy, announce the caller for this long (zero: not)
   * @return the outcome
   */
  public synchronized Outcome acquireReadWrite(String name, boolean write, String owner, Duration ttl,
      long requestId, boolean yieldToWriters, Duration announce) {
    long now = System.nanoTime();
    Holders table = table(Space.READ_WRITE, name, now);
    String member = write ? WRITER : reader(owner);
    Holder mine = table.members.get(member);
    if (mine != null && mine.owner.equals(owner)) {
      return reenter(mine, requestId, ttl, now);
    }
    Holder writer = table.members.get(WRITER);
    if (!write) {
      if (writer != null && !writer.owner.equals(owner)) {
        return busy(writer.expiresAt - now);
      }
      if (writer == null && yieldToWriters && !table.announced.isEmpty()) {
        return busy(table.announced.values().stream().mapToLong(until -> until - now).max().orElse(0));
      }
    } else {
      if (writer != null) {
        return busy(writer.expiresAt - now);
      }
      if (!table.members.isEmpty()) {
        if (table.members.containsKey(reader(owner))) {
          return new Refused();
        }
        if (!announce.isZero()) {
          table.announced.put(owner, now + announce.toNanos());
        }
        return busy(table.untilExpiry(now, false));
      }
    }
    Granted granted = grant(table, member, owner, requestId, ttl, now);
    if (write) {
      table.announced.remove(owner);
    }
    return granted;
  }

  /**
   * semaphore_acquire.lua.
   *
   * @param name the semaphore
   * @param permits the most owners that may hold at once, as the caller sees it
   * @param owner the owner token
   * @param ttl the lease TTL
   * @param requestId the attempt's id
   * @return the outcome (never {@link Refused})
   */
  public synchronized Outcome acquirePermit(String name, int permits, String owner, Duration ttl, long requestId) {
    long now = System.nanoTime();
    Holders table = table(Space.SEMAPHORE, name, now);
    String member = permit(owner);
    Holder mine = table.members.get(member);
    if (mine != null) {
      return reenter(mine, requestId, ttl, now);
    }
    if (table.members.size() >= permits) {
      return busy(table.untilExpiry(now, true));
    }
    return grant(table, member, owner, requestId, ttl, now);
  }

  /**
   * holders_release.lua.
   *
   * @param space where the name lives
   * @param name the primitive
   * @param member the holder's member
   * @param owner the owner token
   * @param token the hold's fencing token
   * @param requestId the release's id
   * @return the holds left, or -1 when not held by that owner under that token
   */
  public long release(Space space, String name, String member, String owner, long token, long requestId) {
    boolean publish;
    synchronized (this) {
      long now = System.nanoTime();
      Holders table = table(space, name, now);
      Holder holder = table.members.get(member);
      if (holder == null || !holder.owner.equals(owner) || holder.token != token) {
        forgetIfEmpty(space, name, table);
        return -1;
      }
      if (holder.request == requestId) {
        return holder.holds;
      }
      if (holder.holds > 1) {
        holder.holds--;
        holder.request = requestId;
        return holder.holds;
      }
      table.members.remove(member);
      publish = !member.startsWith("r") || table.members.isEmpty();
      forgetIfEmpty(space, name, table);
    }
    if (publish) {
      onRelease.accept(space, name);
    }
    return 0;
  }

  /**
   * holders_renew.lua.
   *
   * @param space where the names live
   * @param renewals the holds
   * @return per hold, whether it was renewed
   */
  public synchronized List<Boolean> renew(Space space, List<Renewal> renewals) {
    long now = System.nanoTime();
    List<Boolean> renewed = new ArrayList<>(renewals.size());
    for (Renewal renewal : renewals) {
      Holders table = table(space, renewal.name(), now);
      Holder holder = table.members.get(renewal.member());
      boolean ok = holder != null && holder.owner.equals(renewal.owner()) && holder.token == renewal.token();
      if (ok) {
        holder.expiresAt = now + renewal.ttl().toNanos();
      }
      forgetIfEmpty(space, renewal.name(), table);
      renewed.add(ok);
    }
    return renewed;
  }

  /**
   * holders_count.lua: live holders of a name.
   *
   * @param space where the name lives
   * @param name the primitive
   * @return the count
   */
  public synchronized int held(Space space, String name) {
    Holders table = table(space, name, System.nanoTime());
    int count = table.members.size();
    forgetIfEmpty(space, name, table);
    return count;
  }

  /**
   * Drops every name whose holders and announcements have all ended, as Redis expires their keys.
   *
   * @return the names left (0 once everything was released or expired)
   */
  public synchronized int sweep() {
    long now = System.nanoTime();
    int left = 0;
    for (Map<String, Holders> names : spaces.values()) {
      for (Iterator<Holders> it = names.values().iterator(); it.hasNext(); ) {
        Holders table = it.next();
        table.prune(now);
        if (table.isEmpty()) {
          it.remove();
        } else {
          left++;
        }
      }
    }
    return left;
  }

  private Holders table(Space space, String name, long now) {
    Holders table = spaces.get(space).computeIfAbsent(name, n -> new Holders());
    table.prune(now);
    return table;
  }

  private void forgetIfEmpty(Space space, String name, Holders table) {
    if (table.isEmpty()) {
      spaces.get(space).remove(name, table);
    }
  }

  private static Outcome reenter(Holder holder, long requestId, Duration ttl, long now) {
    if (holder.request != requestId) {
      holder.holds++;
      holder.request = requestId;
      long candidate = now + ttl.toNanos();
      if (candidate - holder.expiresAt > 0) {
        holder.expiresAt = candidate;
      }
    }
    return new Granted(holder.token, holder.holds);
  }

  private Granted grant(Holders table, String member, String owner, long requestId, Duration ttl, long now) {
    long token = Math.max(fence + 1, System.currentTimeMillis() * 1000);
    fence = token;
    table.members.put(member, new Holder(owner, token, requestId, now + ttl.toNanos()));
    return new Granted(token, 1);
  }

  private static Busy busy(long remainingNanos) {
    return new Busy(Duration.ofNanos(Math.max(0, remainingNanos)));
  }
}
