package io.holdfast.redis;

import io.holdfast.FencingToken;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.spi.RenewRequest;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The lock scripts bound to one connection and one key space: names the keys, encodes the arguments and
 * returns the raw replies. The scripts are the only implementation of Holdfast's lock rules (grant, re-entry,
 * release, renewal, fencing, expiry and lock-delay); the library's backends and the lock service both call
 * them through this class, so neither has a copy. Each method is exactly one script call (one Redis command),
 * which is what the per-operation call counts in docs/guarantees.md count. The single-master backend, each
 * master of the quorum backend and the lock service use it; they differ only in what they make of the replies.
 *
 * <p>The public methods are the lock service's: lock names are the values of valid {@link LockName}s (the
 * service validates them once per request), and a grant can carry the session terms described in
 * {@code lockstate.lua}. Applications use the {@code Holdfast} API instead.
 *
 * <p>Safe: immutable; Lettuce's async commands are thread-safe.
 */
public final class LockScripts {
  static final LuaScript ACQUIRE = LuaScript.fromClasspath("lockstate.lua", "fairqueue.lua", "fence.lua",
      "acquire.lua");
  static final LuaScript RELEASE = LuaScript.fromClasspath("lockstate.lua", "fairqueue.lua", "release.lua");
  static final LuaScript RENEW = LuaScript.fromClasspath("lockstate.lua", "renew.lua");
  static final LuaScript INSPECT = LuaScript.fromClasspath("lockstate.lua", "inspect.lua");
  static final LuaScript FORCE = LuaScript.fromClasspath("lockstate.lua", "fairqueue.lua", "force.lua");
  static final LuaScript ADOPT = LuaScript.fromClasspath("adopt.lua");
  static final LuaScript UNDO = LuaScript.fromClasspath("lockstate.lua", "undo.lua");
  static final LuaScript FAIR_SETTLE = LuaScript.fromClasspath("fairqueue.lua", "fair_settle.lua");
  static final LuaScript FAIR_LEAVE = LuaScript.fromClasspath("fairqueue.lua", "fair_leave.lua");
  /**
   * Loaded at start-up by every backend (adopt, undo and the fair line's settle and leave only matter to the quorum
   * mode, but cost nothing).
   */
  static final List<LuaScript> ALL = List.of(ACQUIRE, RELEASE, RENEW, INSPECT, FORCE, ADOPT, UNDO, FAIR_SETTLE,
      FAIR_LEAVE);

  /**
   * The source of acquire.lua as Redis runs it, preludes included, for a tool that loads the script itself (the
   * bench's ceilings); composing it anywhere else would be a second copy of the composition.
   */
  public static String acquireSource() {
    return ACQUIRE.source();
  }

  /** The source of release.lua as Redis runs it, preludes included; see {@link #acquireSource()}. */
  public static String releaseSource() {
    return RELEASE.source();
  }

  private final RedisClusterAsyncCommands<String, String> commands;
  private final KeySpace keys;
  private final String publishMode;

  LockScripts(RedisClusterAsyncCommands<String, String> commands, KeySpace keys, boolean shardedPublish) {
    this(commands, keys, shardedPublish ? "SPUBLISH" : "PUBLISH");
  }

  private LockScripts(RedisClusterAsyncCommands<String, String> commands, KeySpace keys, String publishMode) {
    this.commands = commands;
    this.keys = keys;
    this.publishMode = publishMode;
  }

  /**
   * The lock scripts on a connection the caller manages, for a caller that hears releases through a pattern
   * subscription ({@link KeySpace#releasePattern()}): releases are published with {@code PUBLISH}, and also
   * with {@code SPUBLISH} for the library's sharded subscribers when {@code shardedPublish}.
   *
   * @param commands the connection (on Cluster, a cluster connection: every call touches one slot)
   * @param keys the key space
   * @param shardedPublish true on Redis Cluster 7+ where the library's clients subscribe with sharded pub/sub
   * @return the scripts
   */
  public static LockScripts forService(RedisClusterAsyncCommands<String, String> commands, KeySpace keys,
      boolean shardedPublish) {
    return new LockScripts(commands, keys, shardedPublish ? "BOTH" : "PUBLISH");
  }

  /**
   * The terms of the session a grant is made in (see {@code lockstate.lua}).
   *
   * @param sessionId the session's id (no spaces)
   * @param expiryMillis the session's expiry in Redis milliseconds, as last read from Redis: never later than
   *     its real expiry, so the grant is never held past the session
   * @param lockDelay how long the lock stays ungrantable after the session expires
   * @param clientName the session's client name, kept for listings
   * @param principal the principal that opened the session (an id of its bearer token, empty if none): the grant
   *     carries it, and only a session of the same principal re-enters, releases or renews it
   */
  public record SessionTerms(String sessionId, long expiryMillis, Duration lockDelay, String clientName,
      String principal) {
    /** Validates the terms. */
    public SessionTerms {
      if (sessionId == null || sessionId.isEmpty() || sessionId.indexOf(' ') >= 0) {
        throw new InvalidArgumentException("session id must be non-empty without spaces, was '" + sessionId + "'");
      }
      if (lockDelay == null || lockDelay.isNegative()) {
        throw new InvalidArgumentException("lock-delay must be zero or positive, was " + lockDelay);
      }
      if (clientName == null || principal == null) {
        throw new InvalidArgumentException("client name and principal must not be null");
      }
    }
  }

  /**
   * The lock service's keys of a session grant, passed to acquire.lua where they are on the lock's server (every
   * deployment but Redis Cluster), so that the grant binds itself to the session and enters the listing index in
   * the same atomic step.
   *
   * @param session the session hash
   * @param sessionLocks the session's lock set (lock key to bind generation)
   * @param lockIndex the listing index of lock names
   * @param lockIndexGenerations the index entries' generations
   */
  public record SessionKeys(String session, String sessionLocks, String lockIndex, String lockIndexGenerations) {
    /** Validates the keys. */
    public SessionKeys {
      if (session == null || sessionLocks == null || lockIndex == null || lockIndexGenerations == null) {
        throw new InvalidArgumentException("every session key must be given");
      }
    }
  }

  /**
   * One entry of a session keep-alive's renewal ({@link #renewInSession}).
   *
   * @param name the lock name's value
   * @param owner the lease's owner, or empty for "the grant of the renewing session", whoever its owner
   * @param token the lease's fencing token (ignored with an empty owner)
   * @param ttl the new lease TTL from now; zero keeps the lease deadline and only carries the session's expiry
   */
  public record SessionRenewal(String name, String owner, long token, Duration ttl) {
    /** Validates the entry. */
    public SessionRenewal {
      if (name == null || owner == null || ttl == null || ttl.isNegative()) {
        throw new InvalidArgumentException("renewal of '" + name + "' needs a name, an owner ('' for the"
            + " session's grant) and a TTL >= 0, was owner '" + owner + "', TTL " + ttl);
      }
    }
  }

  /**
   * acquire.lua in a session: {@code {1, token, holds, fresh}}, {@code {0, pttl, delayed}} or {@code {-2}} (the
   * session's expiry has passed).
   *
   * @param name the lock name's value
   * @param owner the owner token
   * @param leaseTtl the lease TTL; zero binds the grant to the session alone
   * @param requestId the attempt's id: a repeat with the same id changes nothing
   * @param session the session's terms
   * @param waiterListing when busy, list the caller among the lock's waiters for this long (zero: don't)
   * @param colocated the session's keys when they are on the lock's server (never on Cluster), else null: the
   *     grant then binds and lists itself, and reads the session's own expiry
   * @return the raw reply; fails with the Redis error
   */
  public CompletableFuture<List<Object>> acquireInSession(String name, String owner, Duration leaseTtl,
      long requestId, SessionTerms session, Duration waiterListing, SessionKeys colocated) {
    return acquireInSession(name, owner, leaseTtl, requestId, session, waiterListing, colocated, null);
  }

  /**
   * acquire.lua in a session, in fair mode when {@code queueKeep} is not null: as
   * {@link #acquireInSession(String, String, Duration, long, SessionTerms, Duration, SessionKeys)}, and the caller
   * is granted a free lock only when nobody live is ahead of it in the lock's line; else it keeps its place in
   * line (fairqueue.lua) for {@code queueKeep} after this attempt (zero: it takes no place).
   *
   * @param queueKeep null for the plain lock; else how long the caller's place in line lasts without an attempt
   * @return the raw reply; fails with the Redis error
   */
  public CompletableFuture<List<Object>> acquireInSession(String name, String owner, Duration leaseTtl,
      long requestId, SessionTerms session, Duration waiterListing, SessionKeys colocated, Duration queueKeep) {
    List<String> keyArgs = new ArrayList<>(List.of(keys.lockKey(name), keys.fenceKey(name), keys.waitersKey(name)));
    if (colocated != null) {
      keyArgs.addAll(List.of(colocated.session(), colocated.sessionLocks(), colocated.lockIndex(),
          colocated.lockIndexGenerations()));
    }
    List<String> args = new ArrayList<>(List.of(owner, Long.toString(leaseTtl.toMillis()),
        Long.toString(requestId), session.sessionId(), Long.toString(session.expiryMillis()),
        Long.toString(session.lockDelay().toMillis()), session.clientName(), Long.toString(waiterListing.toMillis()),
        name, session.principal()));
    if (queueKeep != null) {
      keyArgs.add(keys.queueKey(name));
      keyArgs.add(keys.queueDeadlinesKey(name));
      args.add(Long.toString(queueKeep.toMillis()));
    }
    return ACQUIRE.run(commands, ScriptOutputType.MULTI, keyArgs.toArray(String[]::new), args.toArray(String[]::new));
  }

  /**
   * release.lua: the holds left, or -1 when the lock is not held by this owner under that token (expired, in
   * lock-delay, released, force-released or taken).
   *
   * @param name the lock name's value
   * @param owner the owner token
   * @param token the grant's fencing token
   * @param requestId the release's id: a repeat with the same id does not release a second hold
   * @return the raw reply; fails with the Redis error
   */
  public CompletableFuture<Long> release(String name, String owner, long token, long requestId) {
    return releaseNamingTheLineIfFair(name, owner, Long.toString(token), Long.toString(requestId),
        keys.releaseChannel(name), publishMode);
  }

  /**
   * release.lua for the lock service: as {@link #release}, and -1 also when the grant carries another principal
   * than the caller's session, so an owner and token known to another token of the tenant free nothing.
   *
   * @param name the lock name's value
   * @param owner the owner token
   * @param token the grant's fencing token
   * @param requestId the release's id: a repeat with the same id does not release a second hold
   * @param principal the principal of the caller's session
   * @return the raw reply; fails with the Redis error
   */
  public CompletableFuture<Long> releaseInSession(String name, String owner, long token, long requestId,
      String principal) {
    return releaseNamingTheLineIfFair(name, owner, Long.toString(token), Long.toString(requestId),
        keys.releaseChannel(name), publishMode, principal);
  }

  /*
   * release.lua names only the lock's key first: in Redis Cluster a script naming keys that do not exist is refused
   * with TRYAGAIN while its slot migrates, and a plain lock has no line of waiters, so a plain release must not name
   * one. The last hold of a fair grant answers -2 and changes nothing; it is released again naming the line, so that
   * the head is told (a fair release costs a second script; a plain one, none).
   */
  private CompletableFuture<Long> releaseNamingTheLineIfFair(String name, String... args) {
    return RELEASE.<Long>run(commands, ScriptOutputType.INTEGER, new String[] {keys.lockKey(name)}, args)
        .thenCompose(reply -> reply == -2
            ? RELEASE.run(commands, ScriptOutputType.INTEGER, releaseKeys(name), args)
            : CompletableFuture.completedFuture(reply));
  }

  /* The lock's key and its line of waiters: what a fair release and a force-release name. */
  private String[] releaseKeys(String name) {
    return new String[] {keys.lockKey(name), keys.queueKey(name), keys.queueDeadlinesKey(name)};
  }

  /**
   * renew.lua over entries that all share one hash slot on Cluster, carrying the session's new expiry to its
   * grants among them: one 1 (renewed) or 0 (not held so) per entry, in order.
   *
   * @param entries the entries, one slot on Cluster
   * @param sessionId the renewing session
   * @param sessionExpiry the session's new expiry in Redis milliseconds
   * @param principal the session's principal: an entry with an owner is renewed only if its grant carries it
   * @return the raw reply; fails with the Redis error
   */
  public CompletableFuture<List<Object>> renewInSession(List<SessionRenewal> entries, String sessionId,
      long sessionExpiry, String principal) {
    String[] keyArgs = new String[entries.size()];
    for (int i = 0; i < keyArgs.length; i++) {
      keyArgs[i] = keys.lockKey(entries.get(i).name());
    }
    String[] args = RenewArgs.ofSession(entries, sessionId, sessionExpiry, principal);
    return RENEW.run(commands, ScriptOutputType.MULTI, keyArgs, args);
  }

  /**
   * inspect.lua: {@code {owner, token, holds, remaining, state, session, acquired-at, client}} or {@code {}}.
   *
   * @param name the lock name's value
   * @return the raw reply; fails with the Redis error
   */
  public CompletableFuture<List<Object>> inspect(String name) {
    return INSPECT.run(commands, ScriptOutputType.MULTI, new String[] {keys.lockKey(name)});
  }

  /**
   * force.lua: {@code {1, token, session}} freed, {@code {0}} it was free, {@code {-3, token}} held under
   * another token or session than expected.
   *
   * @param name the lock name's value
   * @param expectedToken the grant to free, or 0 for whichever holds it
   * @param expectedSession the session whose grant to free, or empty for any
   * @return the raw reply; fails with the Redis error
   */
  public CompletableFuture<List<Object>> force(String name, long expectedToken, String expectedSession) {
    return FORCE.run(commands, ScriptOutputType.MULTI, releaseKeys(name),
        Long.toString(expectedToken), expectedSession, keys.releaseChannel(name), publishMode);
  }

  /**
   * adopt.lua (independent masters): 1 when attempt {@code requestId}'s grant now carries {@code settled}.
   *
   * @param name the lock name's value
   * @param owner the owner token
   * @param requestId the acquire attempt's id
   * @param settled the settled token
   * @param holds the settled hold count
   * @return the raw reply; fails with the Redis error
   */
  public CompletableFuture<Long> adopt(String name, String owner, long requestId, long settled, int holds) {
    return ADOPT.run(commands, ScriptOutputType.INTEGER, new String[] {keys.lockKey(name), keys.fenceKey(name)},
        owner, Long.toString(requestId), Long.toString(settled), Integer.toString(holds));
  }

  /**
   * undo.lua: 1 when the hold attempt {@code requestId} added was given back; 0 when there is nothing of it to
   * give back, or the same request was answered again since (a retry may have handed that hold to its caller).
   * The quorum mode undoes failed attempts with it; the lock service gives back grants that reached no caller.
   *
   * @param name the lock name's value
   * @param owner the owner token
   * @param requestId the failed attempt's id
   * @return the raw reply; fails with the Redis error
   */
  public CompletableFuture<Long> undo(String name, String owner, long requestId) {
    return UNDO.run(commands, ScriptOutputType.INTEGER, new String[] {keys.lockKey(name)}, owner,
        Long.toString(requestId), keys.releaseChannel(name), publishMode);
  }

  /**
   * fair_settle.lua (independent masters, fair mode): puts {@code member} in the lock's line at the ticket a
   * majority settled, re-adding it where it was not, until {@code keep} from now.
   *
   * @param name the lock name's value
   * @param member the waiter as the line names it (owner token, or {@code "<session id> <owner>"})
   * @param ticket the settled ticket
   * @param keep how long the place lasts without another attempt
   * @return 1; fails with the Redis error
   */
  public CompletableFuture<Long> settleInLine(String name, String member, long ticket, Duration keep) {
    return FAIR_SETTLE.run(commands, ScriptOutputType.INTEGER,
        new String[] {keys.queueKey(name), keys.queueDeadlinesKey(name)}, member, Long.toString(ticket),
        Long.toString(keep.toMillis()));
  }

  /**
   * fair_leave.lua (independent masters, fair mode): takes {@code member} out of the lock's line.
   *
   * @param name the lock name's value
   * @param member the waiter as the line names it
   * @return 1; fails with the Redis error
   */
  public CompletableFuture<Long> leaveLine(String name, String member) {
    return FAIR_LEAVE.run(commands, ScriptOutputType.INTEGER,
        new String[] {keys.queueKey(name), keys.queueDeadlinesKey(name)}, member);
  }

  RedisClusterAsyncCommands<String, String> commands() {
    return commands;
  }

  KeySpace keys() {
    return keys;
  }

  String[] acquireKeys(LockName name) {
    return new String[] {keys.lockKey(name), keys.fenceKey(name)};
  }

  static String[] acquireArgs(OwnerToken owner, Duration ttl, long requestId) {
    return new String[] {owner.value(), ttlMillis(ttl), Long.toString(requestId)};
  }

  /** acquire.lua: {@code {1, token, holds, fresh}} or {@code {0, pttl}}. */
  CompletableFuture<List<Object>> acquire(LockName name, OwnerToken owner, Duration ttl, long requestId) {
    return ACQUIRE.run(commands, ScriptOutputType.MULTI, acquireKeys(name), acquireArgs(owner, ttl, requestId));
  }

  /**
   * acquire.lua in fair mode for a library caller: granted only when nobody live is ahead in line; else the
   * caller keeps its place for {@code queueKeep} after this attempt (zero: it takes no place).
   */
  CompletableFuture<List<Object>> acquireFair(LockName name, OwnerToken owner, Duration ttl, long requestId,
      Duration queueKeep) {
    return ACQUIRE.run(commands, ScriptOutputType.MULTI, fairKeys(name), fairArgs(owner, ttl, requestId, queueKeep));
  }

  String[] fairKeys(LockName name) {
    return new String[] {keys.lockKey(name), keys.fenceKey(name), keys.queueKey(name.value()),
        keys.queueDeadlinesKey(name.value())};
  }

  /* ARGV[4..10] are the session's; empty for a library caller (acquire.lua's header). */
  static String[] fairArgs(OwnerToken owner, Duration ttl, long requestId, Duration queueKeep) {
    return new String[] {owner.value(), ttlMillis(ttl), Long.toString(requestId), "", "", "", "", "", "", "",
        Long.toString(queueKeep.toMillis())};
  }

  /** release.lua: remaining holds, or -1 when not the owner under that token. */
  CompletableFuture<Long> release(LockName name, OwnerToken owner, FencingToken token, long requestId) {
    return release(name.value(), owner.value(), token.value(), requestId);
  }

  /** renew.lua over {@code leases}, which must all share a slot on Cluster: one 1 or 0 per lease. */
  CompletableFuture<List<Object>> renew(List<RenewRequest> leases) {
    return RENEW.run(commands, ScriptOutputType.MULTI, renewKeys(leases), RenewArgs.of(leases));
  }

  String[] renewKeys(List<RenewRequest> leases) {
    String[] keyArgs = new String[leases.size()];
    for (int i = 0; i < keyArgs.length; i++) {
      keyArgs[i] = keys.lockKey(leases.get(i).name());
    }
    return keyArgs;
  }

  /** inspect.lua: {@code {owner, token, holds, remaining, ...}} or {@code {}}. */
  CompletableFuture<List<Object>> inspect(LockName name) {
    return inspect(name.value());
  }

  /** adopt.lua: 1 when attempt {@code requestId}'s grant now carries {@code settled} and {@code holds}. */
  CompletableFuture<Long> adopt(LockName name, OwnerToken owner, long requestId, long settled, int holds) {
    return adopt(name.value(), owner.value(), requestId, settled, holds);
  }

  /** undo.lua: 1 when the hold attempt {@code requestId} added was given back, 0 when there was none. */
  CompletableFuture<Long> undo(LockName name, OwnerToken owner, long requestId) {
    return undo(name.value(), owner.value(), requestId);
  }

  /** Redis takes whole milliseconds; a sub-millisecond TTL rounds up to 1 rather than to 0 (delete). */
  static String ttlMillis(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new InvalidArgumentException("lease TTL must be positive, was " + ttl);
    }
    return Long.toString(Math.max(1, ttl.toMillis()));
  }
}
