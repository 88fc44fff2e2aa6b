package io.holdfast.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The in-process lock table: the lock rules of the holdfast-redis Lua scripts (acquire.lua, release.lua,
 * renew.lua, inspect.lua, force.lua, and the state of a session grant in lockstate.lua), followed step by step
 * for the one process that holds the table. It is the engine of the library's {@code embedded:} backend and of
 * the lock service's in-memory store, so neither keeps a copy of the rules. Not an API: its package is
 * {@code internal}, for Holdfast's own modules.
 *
 * <p>Time is the monotonic clock ({@link System#nanoTime()}), the table's "server clock"; a library grant is held
 * until its lease ends, a session grant (made with {@link Session} terms) until {@code min(session expiry, lease
 * end)}, then stays in lock-delay until {@code freeAt}. Tokens are {@code max(counter + 1, wall clock in
 * microseconds)}, so they keep growing across a restart of the process as Redis's TIME floor keeps them growing
 * across data loss.
 *
 * <p>Safe: every method holds the table's monitor, which makes each one atomic exactly as a script is in Redis.
 * Release notifications go to {@code onRelease} after the monitor is released, never under it.
 */
public final class LockTable implements LockTableAnswers {
  private final TreeMap<String, Grant> locks = new TreeMap<>();
  private final FairLines lines = new FairLines();
  private final BiConsumer<String, String> onRelease;
  private long fence;

  /**
   * A new, empty table.
   *
   * @param onRelease told the name of every lock freed by a release or a force-release (not by expiry), outside
   *     the table's monitor; it must not block
   */
  public LockTable(Consumer<String> onRelease) {
    this((name, head) -> onRelease.accept(name));
    Objects.requireNonNull(onRelease, "onRelease");
  }

  /**
   * A new, empty table that also says whom a fair lock's release hands off to.
   *
   * @param onRelease told the name of every lock freed by a release or a force-release (not by expiry) and the
   *     member at the head of its line of waiters when the freed grant was a fair one ({@code "<owner>"}, or
   *     {@code "<session id> <owner>"}), else the empty string; outside the table's monitor; it must not block
   */
  public LockTable(BiConsumer<String, String> onRelease) {
    this.onRelease = Objects.requireNonNull(onRelease, "onRelease");
  }

  /**
   * acquire.lua: grants, re-enters, or reports the lock busy.
   *
   * @param name the lock name
   * @param owner the owner token
   * @param ttl the lease TTL; zero only with a session (bound to the session alone)
   * @param requestId the attempt's id: a repeat with the same id changes nothing
   * @param session the session's terms, or null for a library grant
   * @return the outcome
   */
  public Attempt acquire(String name, String owner, Duration ttl, long requestId, Session session) {
    return acquire(name, owner, ttl, requestId, session, null);
  }

  /**
   * acquire.lua, in fair mode when {@code queueKeep} is not null: a caller that does not hold the lock is granted
   * it only when it is free and nobody live is ahead of it in the lock's line; else it keeps (or takes) its place
   * in line for {@code queueKeep} after this attempt (zero: it takes no place) and is told busy.
   *
   * @param queueKeep null for the plain lock, else how long the caller's place in line lasts without an attempt
   * @return the outcome
   */
  public synchronized Attempt acquire(String name, String owner, Duration ttl, long requestId, Session session,
      Duration queueKeep) {
    long now = System.nanoTime();
    if (session != null && now - session.expiryNanos() >= 0) {
      return new SessionExpired();
    }
    Grant grant = blocking(name, now);
    String member = session == null ? owner : session.id() + " " + owner;
    if (queueKeep != null && (grant == null || !grant.owner.equals(owner))) {
      Busy ahead = lines.ahead(name, member, grant != null, now, queueKeep);
      if (ahead != null) {
        return ahead;
      }
    }
    if (grant == null) {
      grant = Grant.fresh(owner, Math.max(fence + 1, System.currentTimeMillis() * 1000), requestId, ttl, session,
          now);
      fence = grant.token;
      locks.put(name, grant);
      if (queueKeep != null) {
        grant.fair = true;
        lines.leave(name, member);
      }
      return new Granted(grant.token, 1);
    }
    if (!grant.owner.equals(owner) || !grant.held(now)
        || (session != null && !session.principal().equals(grant.principal))) {
      return new Busy(Duration.ofNanos(Math.max(0, grant.freeAt - now)), !grant.held(now));
    }
    if (grant.requestId != requestId) {
      grant.reenter(requestId, ttl, session, now);
    } else {
      grant.repeated = requestId; // answered twice: either answer may be the one kept, so undo refuses it
    }
    return new Granted(grant.token, grant.holds);
  }

  /**
   * undo.lua: gives back the hold the acquire {@code requestId} added, unless that request was answered again
   * since (a retry may have handed the hold to its caller) or the grant is past its holding time.
   *
   * @param name the lock name
   * @param owner the owner token
   * @param requestId the acquire's request id
   * @return whether a hold was given back
   */
  public boolean undo(String name, String owner, long requestId) {
    synchronized (this) {
      long now = System.nanoTime();
      Grant grant = blocking(name, now);
      if (grant == null || !grant.owner.equals(owner) || grant.requestId != requestId
          || grant.repeated == requestId || !grant.held(now)) {
        return false;
      }
      grant.requestId = 0; // a second undo of the same attempt finds nothing
      if (--grant.holds > 0) {
        return true;
      }
      locks.remove(name);
    }
    onRelease.accept(name, "");
    return true;
  }

  /**
   * release.lua: releases one hold of the current, held grant.
   *
   * @param name the lock name
   * @param owner the owner token
   * @param token the grant's fencing token
   * @param requestId the release's id: a repeat does not release a second hold
   * @return the holds left, or -1 when not held by that owner under that token (expired, in lock-delay, freed)
   */
  public long release(String name, String owner, long token, long requestId) {
    return release(name, owner, token, requestId, null);
  }

  /**
   * release.lua with the lock service's session: as {@link #release(String, String, long, long)}, and -1 also
   * when the grant carries another principal than the caller's session.
   *
   * @param name the lock name
   * @param owner the owner token
   * @param token the grant's fencing token
   * @param requestId the release's id: a repeat does not release a second hold
   * @param principal the principal of the caller's session, or null for a library release
   * @return the holds left, or -1 when not held by that owner under that token for that principal
   */
  public long release(String name, String owner, long token, long requestId, String principal) {
    String head;
    synchronized (this) {
      long now = System.nanoTime();
      Grant grant = blocking(name, now);
      if (grant == null || !grant.owner.equals(owner) || grant.token != token || !grant.held(now)
          || (principal != null && !principal.equals(grant.principal))) {
        return -1;
      }
      if (grant.requestId == requestId) {
        return grant.holds;
      }
      grant.requestId = requestId;
      if (--grant.holds > 0) {
        return grant.holds;
      }
      locks.remove(name);
      head = grant.fair ? handOff(name, now) : "";
    }
    onRelease.accept(name, head);
    return 0;
  }

  /**
   * renew.lua: extends leases held by their owner under their token, and carries the renewing session's new
   * expiry to its grants among them; never revives a grant that is past its lease or in lock-delay.
   *
   * @param renewals the entries
   * @param sessionId the renewing session, or null
   * @param sessionExpiryNanos that session's new expiry (ignored without a session)
   * @return per entry, whether it was renewed
   */
  public synchronized List<Boolean> renew(List<Renewal> renewals, String sessionId, long sessionExpiryNanos) {
    return renew(renewals, sessionId, sessionExpiryNanos, null);
  }

  /**
   * renew.lua with the renewing session's principal: as {@link #renew(List, String, long)}, and an entry with an
   * owner is renewed only if its grant carries {@code principal}.
   *
   * @param renewals the entries
   * @param sessionId the renewing session, or null
   * @param sessionExpiryNanos that session's new expiry on the nanoTime clock
   * @param principal the renewing session's principal, or null for no such check
   * @return per entry, whether it was renewed
   */
  public synchronized List<Boolean> renew(List<Renewal> renewals, String sessionId, long sessionExpiryNanos,
      String principal) {
    long now = System.nanoTime();
    List<Boolean> out = new ArrayList<>(renewals.size());
    for (Renewal renewal : renewals) {
      Grant grant = blocking(renewal.name(), now);
      boolean ok = grant != null && (renewal.owner().isEmpty()
          ? sessionId != null && sessionId.equals(grant.sessionId)
          : grant.owner.equals(renewal.owner()) && grant.token == renewal.token()
              && (principal == null || principal.equals(grant.principal)));
      ok = ok && grant.held(now) && grant.renew(renewal, sessionId, sessionExpiryNanos, now);
      out.add(ok);
    }
    return out;
  }

  /**
   * inspect.lua: the grant that blocks others, if any.
   *
   * @param name the lock name
   * @return its view
   */
  public synchronized Optional<View> inspect(String name) {
    long now = System.nanoTime();
    Grant grant = blocking(name, now);
    return grant == null ? Optional.empty() : Optional.of(grant.view(name, now));
  }

  /**
   * Views of the grants whose names start with {@code prefix}, by name.
   *
   * @param prefix the name prefix
   * @param limit the most to return
   * @return the views
   */
  public List<View> list(String prefix, int limit) {
    return list(prefix, "", limit);
  }

  /**
   * Views of the grants whose names start with {@code prefix} and sort after {@code after}, by name: one page of
   * a listing whose cursor is the last name of the page before ("" from the start).
   *
   * @param prefix the name prefix
   * @param after list only names after this one ("" or a name before the prefix: from the prefix on)
   * @param limit the most to return
   * @return the views
   */
  public synchronized List<View> list(String prefix, String after, int limit) {
    long now = System.nanoTime();
    List<View> out = new ArrayList<>();
    var from = after.compareTo(prefix) >= 0 ? locks.tailMap(after, false) : locks.tailMap(prefix, true);
    for (Map.Entry<String, Grant> entry : from.entrySet()) {
      if (!entry.getKey().startsWith(prefix) || out.size() >= limit) {
        break;
      }
      if (entry.getValue().blocks(now)) {
        out.add(entry.getValue().view(entry.getKey(), now));
      }
    }
    return out;
  }

  /**
   * force.lua: frees the grant that blocks others.
   *
   * @param name the lock name
   * @param expectedToken the grant to free, or 0 for any
   * @param expectedSession the session whose grant to free, or empty for any
   * @return the freed token; 0 when the lock was free; minus the holding token when another grant holds it
   */
  public long force(String name, long expectedToken, String expectedSession) {
    long token;
    String head;
    synchronized (this) {
      long now = System.nanoTime();
      Grant grant = blocking(name, now);
      if (grant == null) {
        return 0;
      }
      if ((expectedToken != 0 && grant.token != expectedToken)
          || (!expectedSession.isEmpty() && !expectedSession.equals(grant.sessionId))) {
        return -grant.token;
      }
      locks.remove(name);
      token = grant.token;
      head = grant.fair ? handOff(name, now) : "";
    }
    onRelease.accept(name, head);
    return token;
  }

  /**
   * Drops grants that no longer block anyone and fair waiters whose place lapsed (the keys Redis would have
   * expired); returns how many grants are left.
   */
  public synchronized int sweep() {
    long now = System.nanoTime();
    for (Iterator<Grant> it = locks.values().iterator(); it.hasNext(); ) {
      if (!it.next().blocks(now)) {
        it.remove();
      }
    }
    lines.sweep(now);
    return locks.size();
  }

  /** Fair locks with someone live in line (a line is two keys in Redis); for tests of "nothing left behind". */
  synchronized int lines() {
    return lines.sweep(System.nanoTime());
  }

  /** release.lua's message for a fair grant: the live head of the line, or "" when nobody waits. */
  private String handOff(String name, long now) {
    Map.Entry<String, Long> head = lines.head(name, now);
    return head == null ? "" : head.getKey();
  }

  /** The grant that blocks others now, dropping an entry past its free instant. */
  private Grant blocking(String name, long now) {
    Grant grant = locks.get(name);
    if (grant != null && !grant.blocks(now)) {
      locks.remove(name);
      return null;
    }
    return grant;
  }
}
