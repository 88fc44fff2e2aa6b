package io.holdfast.redis;

import io.holdfast.BackendUnavailableException;
import io.holdfast.FencingToken;
import io.holdfast.HoldfastOptions;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.ReadWriteLockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import io.holdfast.spi.SemaphoreBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The read/write lock and the semaphore over N independent masters ({@code redis-quorum://}): each holder table
 * (holders.lua) is kept on every master by the same grant scripts as on one master, and a hold counts where a
 * majority of ALL masters holds it, granted through the one Redlock coordinator ({@link Redlock}) and released,
 * renewed and counted by majority ({@link QuorumOps}).
 *
 * <p>Why the read/write lock is safe: a master grants a writer only while no other owner holds either side there,
 * and a reader only while no other owner writes there; a writer's majority and any reader's majority share a
 * master, which refuses one of them. The token is settled as for the plain lock (the largest any granting master
 * drew, adopted on the others by holders_adopt.lua, which raises their fence counter), so a writer's token exceeds
 * every earlier reader's across the quorum and vice versa. The upgrade refusal (-3) counts only where a majority
 * refuses: the owner truly holds the read side only where a majority says so; fewer refusals count as busy.
 *
 * <p>Why the semaphore is safe: see {@link QuorumSemaphore} (numbered slots, each a Redlock mutex).
 *
 * <p>Attempt ids: every attempt draws a fresh random id, as {@link Redlock#acquire(List, String, Duration)} does,
 * and the caller's request id is not sent. That is safe for holders because an attempt never ends ambiguous: it
 * reports a grant held by a majority, or gives back every hold it added (holders_undo.lua, found by member, owner
 * and attempt id; a give-back that does not arrive ends with the hold's TTL), so a retry is a new attempt, never a
 * second hold of an earlier one.
 *
 * <p>Same assumption as the plain Redlock lock (docs/guarantees.md): a master that restarts must come back with its
 * data (appendfsync always) or stay out for a TTL.
 *
 * <p>Safe: immutable; each attempt builds its own state.
 */
final class QuorumHolders implements ReadWriteLockBackend, SemaphoreBackend {
  private static final String RW = RedisPrimitives.RW;
  private static final String SEM = RedisPrimitives.SEM;

  private final List<QuorumMaster> masters;
  private final QuorumOps ops;
  private final KeySpace keys;
  private final HoldfastOptions options;
  private final QuorumLockBackend backend;

  QuorumHolders(List<QuorumMaster> masters, QuorumOps ops, KeySpace keys, HoldfastOptions options,
      QuorumLockBackend backend) {
    this.masters = masters;
    this.ops = ops;
    this.keys = keys;
    this.options = options;
    this.backend = backend;
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireRead(LockName name, OwnerToken owner, Duration ttl,
      long requestId, boolean yieldToWriters) {
    return rwAcquire(name, Side.READ, owner, ttl, yieldToWriters ? "1" : "0");
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireWrite(LockName name, OwnerToken owner, Duration ttl,
      long requestId, Duration announce) {
    return rwAcquire(name, Side.WRITE, owner, ttl, Long.toString(announce.toMillis()));
  }

  private CompletableFuture<AcquireOutcome> rwAcquire(LockName name, Side side, OwnerToken owner, Duration ttl,
      String flag) {
    return backend.call(() -> {
      LockScripts.ttlMillis(ttl); // validates before anything is sent
      String mode = side == Side.WRITE ? "w" : "r";
      List<Redlock.Master> voters = voters(name, RW, RedisPrimitives.member(side, owner), owner, -1,
          (scripts, attempt) -> scripts.rwAcquire(name, mode, owner, ttl, attempt, flag));
      return Redlock.acquire(voters, name.value(), window(ttl)).thenApply(outcome -> acquired(name, outcome));
    });
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(Side side, LockName name, OwnerToken owner, FencingToken token,
      long requestId) {
    String member = RedisPrimitives.member(side, owner);
    return backend.call(() -> ops.release("release of read/write lock '" + name + "'",
        c -> HolderScripts.on(c).release(name, RW, member, owner, token, requestId)));
  }

  @Override
  public CompletableFuture<List<RenewOutcome>> renewEach(Side side, List<RenewRequest> leases) {
    return renew(RW, leases, lease -> RedisPrimitives.member(side, lease.owner()));
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribeReadWrite(LockName name, Runnable onRelease) {
    return subscribe(name, RW, onRelease);
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquirePermit(LockName name, int permits, OwnerToken owner,
      Duration ttl, long requestId) {
    return backend.call(() -> {
      LockScripts.ttlMillis(ttl);
      return QuorumSemaphore.acquire(permits, slot -> voters(name, SEM, "p" + owner.value(), owner, slot,
          (scripts, attempt) -> scripts.slotAcquire(name, owner, ttl, attempt, permits, slot)),
          voters -> Redlock.acquire(voters, name.value(), window(ttl)))
          .thenApply(outcome -> acquired(name, outcome));
    });
  }

  @Override
  public CompletableFuture<ReleaseOutcome> releasePermit(LockName name, OwnerToken owner, FencingToken token,
      long requestId) {
    return backend.call(() -> ops.release("release of a permit of semaphore '" + name + "'",
        c -> HolderScripts.on(c).release(name, SEM, "p" + owner.value(), owner, token, requestId)));
  }

  @Override
  public CompletableFuture<List<RenewOutcome>> renewPermits(List<RenewRequest> leases) {
    return renew(SEM, leases, lease -> "p" + lease.owner().value());
  }

  /** The permits a majority agrees on (owner and token held on a majority of ALL masters). */
  @Override
  public CompletableFuture<Integer> permitsHeld(LockName name) {
    return backend.call(() -> ops.agreedHolders("count of semaphore '" + name + "'",
        c -> HolderScripts.on(c).holders(name, SEM)));
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribePermits(LockName name, Runnable onRelease) {
    return subscribe(name, SEM, onRelease);
  }

  private CompletableFuture<List<RenewOutcome>> renew(String kind, List<RenewRequest> leases,
      Function<RenewRequest, String> member) {
    if (leases.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return backend.call(() -> ops.renewEach(leases.size(), c -> HolderScripts.on(c).renew(kind, leases, member)));
  }

  private CompletableFuture<ReleaseSubscription> subscribe(LockName name, String kind, Runnable onRelease) {
    return backend.call(() -> QuorumSubscription.open(masters, keys.holdersChannel(name, kind), onRelease,
        options.operationTimeout()));
  }

  /* As for the plain lock: a reported grant has validity left on every master that holds it. */
  private Duration window(Duration ttl) {
    return ttl.minus(options.driftAllowance(ttl));
  }

  /** Every master as the coordinator calls it for one attempt on a holder table; slot -1 for none. */
  private List<Redlock.Master> voters(LockName name, String kind, String member, OwnerToken owner, int slot,
      BiFunction<HolderScripts, Long, CompletableFuture<List<Object>>> grant) {
    List<Redlock.Master> voters = new ArrayList<>(masters.size());
    for (QuorumMaster master : masters) {
      voters.add(new Redlock.Master() {
        @Override
        public CompletableFuture<List<Object>> acquire(long attemptId) {
          return master.on(c -> grant.apply(HolderScripts.on(c), attemptId));
        }

        @Override
        public CompletableFuture<Long> adopt(long attemptId, long token, int holds) {
          return master.on(c -> HolderScripts.on(c).adopt(name, kind, member, owner, attemptId, token, holds, slot));
        }

        @Override
        public CompletableFuture<Long> undo(long attemptId) {
          return master.on(c -> HolderScripts.on(c).undo(name, kind, member, owner, attemptId));
        }

        @Override
        public String address() {
          return master.address();
        }
      });
    }
    return voters;
  }

  private static AcquireOutcome acquired(LockName name, Redlock.Outcome outcome) {
    if (outcome instanceof Redlock.Granted granted) {
      return new AcquireOutcome.Granted(new FencingToken(granted.token()), granted.holds());
    }
    if (outcome instanceof Redlock.Busy busy) {
      return new AcquireOutcome.Busy(busy.remaining());
    }
    if (outcome instanceof Redlock.Refused) {
      throw ReadWriteLockBackend.upgradeRefused(name);
    }
    throw new BackendUnavailableException(outcome instanceof Redlock.Unavailable u ? u.reason()
        : "acquire of '" + name + "': unexpected " + outcome, null);
  }
}
