package io.holdfast.redis;

import io.holdfast.FencingToken;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.ReadWriteLockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import io.holdfast.spi.SemaphoreBackend;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/*
 * The read/write lock and the semaphore on one logical Redis master (standalone, Sentinel, Cluster): each
 * operation is one script call (rwlock_acquire.lua, semaphore_acquire.lua, holders_release.lua, holders_renew.lua,
 * holders_count.lua; holders.lua describes the data), so it is atomic on the server and the grant rules live only
 * there. With waitReplicas each grant and renewal is followed by WAIT (ReplicaAcks), as the lock's. This class
 * picks keys, groups renewals by slot (RedisLockBackend's grouping) and decodes replies. Every key of one name
 * carries the name's hash tag, and the fence key is the plain locks' (KeySpace.fenceKey), so on Cluster every call
 * touches one slot. Safe: immutable; Lettuce's async API may be called from any thread.
 */
final class RedisPrimitives implements ReadWriteLockBackend, SemaphoreBackend {
  static final LuaScript RW_ACQUIRE =
      LuaScript.fromClasspath("lockstate.lua", "holders.lua", "fence.lua", "rwlock_acquire.lua");
  static final LuaScript SEMAPHORE_ACQUIRE =
      LuaScript.fromClasspath("lockstate.lua", "holders.lua", "fence.lua", "semaphore_acquire.lua");
  static final LuaScript RELEASE = LuaScript.fromClasspath("lockstate.lua", "holders.lua", "holders_release.lua");
  static final LuaScript RENEW = LuaScript.fromClasspath("lockstate.lua", "holders.lua", "holders_renew.lua");
  static final LuaScript COUNT = LuaScript.fromClasspath("lockstate.lua", "holders.lua", "holders_count.lua");

  static final String RW = "rw";
  static final String SEM = "sem";
  private static final long REFUSED = -3;

  private final RedisLockBackend backend;
  private final LockScripts scripts;
  private final ReleaseChannels channels;
  private final ReplicaAcks acks;
  private final String publishMode;

  RedisPrimitives(RedisLockBackend backend, LockScripts scripts, ReleaseChannels channels, ReplicaAcks acks,
      boolean sharded) {
    this.backend = backend;
    this.scripts = scripts;
    this.channels = channels;
    this.acks = acks;
    this.publishMode = sharded ? "SPUBLISH" : "PUBLISH";
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireRead(LockName name, OwnerToken owner, Duration ttl,
      long requestId, boolean yieldToWriters) {
    return rwAcquire(name, "r", owner, ttl, requestId, yieldToWriters ? "1" : "0");
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireWrite(LockName name, OwnerToken owner, Duration ttl,
      long requestId, Duration announce) {
    return rwAcquire(name, "w", owner, ttl, requestId, Long.toString(announce.toMillis()));
  }

  private CompletableFuture<AcquireOutcome> rwAcquire(LockName name, String mode, OwnerToken owner, Duration ttl,
      long requestId, String flag) {
    String[][] call = rwCall(scripts.keys(), name, mode, owner, ttl, requestId, flag);
    Side side = "w".equals(mode) ? Side.WRITE : Side.READ;
    return acquire(RW_ACQUIRE, call[0], call[1], name,
        granted -> release(side, name, owner, granted.fencingToken(), ThreadLocalRandom.current().nextLong()));
  }

  /* rwlock_acquire.lua's keys and arguments: {keys, args}; the quorum's masters send the same. */
  static String[][] rwCall(KeySpace keys, LockName name, String mode, OwnerToken owner, Duration ttl,
      long requestId, String flag) {
    String[] keyArgs = {keys.holdersKey(name, RW), keys.expiriesKey(name, RW), keys.announcedWritersKey(name),
        keys.fenceKey(name)};
    String[] args = {mode, owner.value(), LockScripts.ttlMillis(ttl), Long.toString(requestId), flag};
    return new String[][] {keyArgs, args};
  }

  /* One grant script call, followed by WAIT for the replicas when the deployment asks for it (ReplicaAcks). */
  private CompletableFuture<AcquireOutcome> acquire(LuaScript script, String[] keyArgs, String[] args,
      LockName name, Function<AcquireOutcome.Granted, CompletableFuture<?>> giveBack) {
    if (acks != null) {
      return call(() -> acks.acquire(script, keyArgs, args, reply -> acquired(name, reply), giveBack,
          "the grant of '" + name + "'"));
    }
    return call(() -> script.<List<Object>>run(scripts.commands(), ScriptOutputType.MULTI, keyArgs, args)
        .thenApply(reply -> acquired(name, reply)));
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(Side side, LockName name, OwnerToken owner, FencingToken token,
      long requestId) {
    return release(name, RW, member(side, owner), owner, token, requestId);
  }

  @Override
  public CompletableFuture<List<RenewOutcome>> renewEach(Side side, List<RenewRequest> leases) {
    return renew(RW, leases, lease -> member(side, lease.owner()));
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribeReadWrite(LockName name, Runnable onRelease) {
    return call(() -> channels.subscribe(scripts.keys().holdersChannel(name, RW), onRelease));
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquirePermit(LockName name, int permits, OwnerToken owner,
      Duration ttl, long requestId) {
    KeySpace keys = scripts.keys();
    String[] keyArgs = {keys.holdersKey(name, SEM), keys.expiriesKey(name, SEM), keys.fenceKey(name)};
    String[] args = {owner.value(), LockScripts.ttlMillis(ttl), Long.toString(requestId), Integer.toString(permits)};
    return acquire(SEMAPHORE_ACQUIRE, keyArgs, args, name,
        granted -> releasePermit(name, owner, granted.fencingToken(), ThreadLocalRandom.current().nextLong()));
  }

  @Override
  public CompletableFuture<ReleaseOutcome> releasePermit(LockName name, OwnerToken owner, FencingToken token,
      long requestId) {
    return release(name, SEM, "p" + owner.value(), owner, token, requestId);
  }

  @Override
  public CompletableFuture<List<RenewOutcome>> renewPermits(List<RenewRequest> leases) {
    return renew(SEM, leases, lease -> "p" + lease.owner().value());
  }

  @Override
  public CompletableFuture<Integer> permitsHeld(LockName name) {
    KeySpace keys = scripts.keys();
    String[] keyArgs = {keys.holdersKey(name, SEM), keys.expiriesKey(name, SEM)};
    return call(() -> COUNT.<Long>run(scripts.commands(), ScriptOutputType.INTEGER, keyArgs)
        .thenApply(Long::intValue));
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribePermits(LockName name, Runnable onRelease) {
    return call(() -> channels.subscribe(scripts.keys().holdersChannel(name, SEM), onRelease));
  }

  private CompletableFuture<ReleaseOutcome> release(LockName name, String kind, String member, OwnerToken owner,
      FencingToken token, long requestId) {
    KeySpace keys = scripts.keys();
    String[] keyArgs = {keys.holdersKey(name, kind), keys.expiriesKey(name, kind)};
    return call(() -> RELEASE.<Long>run(scripts.commands(), ScriptOutputType.INTEGER, keyArgs, member,
        owner.value(), Long.toString(token.value()), Long.toString(requestId), keys.holdersChannel(name, kind),
        publishMode).thenApply(ScriptReplies::release));
  }

  /* One holders_renew.lua call per batch, or per hash slot of the batch on Cluster (RedisLockBackend's grouping). */
  private CompletableFuture<List<RenewOutcome>> renew(String kind, List<RenewRequest> leases,
      Function<RenewRequest, String> member) {
    if (leases.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return call(() -> backend.renewBySlot(leases, part -> renewPart(kind, part, member)));
  }

  private CompletableFuture<List<Object>> renewPart(String kind, List<RenewRequest> part,
      Function<RenewRequest, String> member) {
    String[][] call = renewCall(scripts.keys(), kind, part, member);
    return acks != null ? acks.renew(RENEW, call[0], call[1], part.size())
        : RENEW.run(scripts.commands(), ScriptOutputType.MULTI, call[0], call[1]);
  }

  /* holders_renew.lua's keys and arguments for a batch: {keys, args}; the quorum's holder tables send the same. */
  static String[][] renewCall(KeySpace keys, String kind, List<RenewRequest> part,
      Function<RenewRequest, String> member) {
    String[] keyArgs = new String[part.size() * 2];
    String[] args = new String[part.size() * 4];
    for (int i = 0; i < part.size(); i++) {
      RenewRequest lease = part.get(i);
      keyArgs[2 * i] = keys.holdersKey(lease.name(), kind);
      keyArgs[2 * i + 1] = keys.expiriesKey(lease.name(), kind);
      args[4 * i] = member.apply(lease);
      args[4 * i + 1] = lease.owner().value();
      args[4 * i + 2] = Long.toString(lease.fencingToken().value());
      args[4 * i + 3] = LockScripts.ttlMillis(lease.ttl());
    }
    return new String[][] {keyArgs, args};
  }

  static String member(Side side, OwnerToken owner) {
    return side == Side.WRITE ? "w" : "r" + owner.value();
  }

  /* rwlock_acquire.lua and semaphore_acquire.lua answer as acquire.lua does, and -3 for a refused upgrade. */
  private static AcquireOutcome acquired(LockName name, List<Object> reply) {
    if (reply != null && !reply.isEmpty() && Long.valueOf(REFUSED).equals(reply.get(0))) {
      throw ReadWriteLockBackend.upgradeRefused(name);
    }
    return ScriptReplies.acquire(reply);
  }

  private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
    return backend.call(operation);
  }
}
