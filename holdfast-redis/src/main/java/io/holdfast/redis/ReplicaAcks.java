package io.holdfast.redis;

import io.holdfast.BackendUnavailableException;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.RenewRequest;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Acquire and renew (of the lock, the read/write lock and the semaphore) followed by {@code WAIT replicas
 * timeout}, pipelined on the same connection right behind the script, so the wait costs one extra command but no
 * extra round trip before it is sent. WAIT counts the
 * replicas that acknowledged every write this connection made so far, which includes the script's.
 *
 * <p>A grant the replicas did not acknowledge in time is released again (one hold, with a fresh request id, so
 * a re-entry gives back only its own hold) and the attempt fails with a transient
 * {@link BackendUnavailableException}: the engine retries until the caller's wait runs out. A renewal that was
 * not acknowledged fails the same way, so the client does not extend its local deadline on a write a failover
 * could lose. Release is not followed by WAIT: losing a release on failover only keeps the lock until its TTL.
 *
 * <p>Safe: immutable.
 */
final class ReplicaAcks {
  private final ReplicaAck ack;
  private final LockScripts scripts;

  ReplicaAcks(ReplicaAck ack, LockScripts scripts) {
    this.ack = ack;
    this.scripts = scripts;
  }

  CompletableFuture<AcquireOutcome> acquire(LockName name, OwnerToken owner, Duration ttl, long requestId) {
    return acquireLock(name, owner, scripts.acquireKeys(name), LockScripts.acquireArgs(owner, ttl, requestId));
  }

  /** acquire.lua in fair mode (the line of waiters is written like the grant, so it is acknowledged with it). */
  CompletableFuture<AcquireOutcome> acquireFair(LockName name, OwnerToken owner, Duration ttl, long requestId,
      Duration queueKeep) {
    return acquireLock(name, owner, scripts.fairKeys(name), LockScripts.fairArgs(owner, ttl, requestId, queueKeep));
  }

  private CompletableFuture<AcquireOutcome> acquireLock(LockName name, OwnerToken owner, String[] keys,
      String[] args) {
    return acquire(LockScripts.ACQUIRE, keys, args, ScriptReplies::acquire,
        granted -> scripts.release(name, owner, granted.fencingToken(), ThreadLocalRandom.current().nextLong()),
        "the grant of lock '" + name + "'");
  }

  /**
   * Any grant script (the lock's, the read/write lock's, the semaphore's) followed by WAIT; a grant the replicas
   * did not acknowledge is given back with {@code giveBack} (one hold) and the attempt fails transiently.
   */
  CompletableFuture<AcquireOutcome> acquire(LuaScript script, String[] keys, String[] args,
      Function<List<Object>, AcquireOutcome> decode, Function<AcquireOutcome.Granted, CompletableFuture<?>> giveBack,
      String what) {
    return script.<List<Object>, Long>runFollowedBy(scripts.commands(), ScriptOutputType.MULTI, keys, args,
            this::waitForReplicas)
        .thenCompose(both -> {
          AcquireOutcome outcome = decode.apply(both.reply());
          if (!(outcome instanceof AcquireOutcome.Granted granted) || both.next() >= ack.replicas()) {
            return CompletableFuture.completedFuture(outcome);
          }
          BackendUnavailableException lagging = notAcknowledged(both.next(), what);
          return giveBack.apply(granted).<AcquireOutcome>handle((released, failure) -> {
            throw lagging; // released or not, the caller must not count on this grant
          });
        });
  }

  CompletableFuture<List<Object>> renew(List<RenewRequest> leases) {
    return renew(LockScripts.RENEW, scripts.renewKeys(leases), RenewArgs.of(leases), leases.size());
  }

  /** Any renewal script followed by WAIT; fails unless the replicas acknowledged it. */
  CompletableFuture<List<Object>> renew(LuaScript script, String[] keys, String[] args, int leases) {
    return script.<List<Object>, Long>runFollowedBy(scripts.commands(), ScriptOutputType.MULTI, keys, args,
            this::waitForReplicas)
        .thenApply(both -> {
          if (both.next() < ack.replicas()) {
            throw notAcknowledged(both.next(), "the renewal of " + leases + " leases");
          }
          return both.reply();
        });
  }

  private CompletableFuture<Long> waitForReplicas() {
    return scripts.commands().waitForReplication(ack.replicas(), ack.timeout().toMillis()).toCompletableFuture();
  }

  private BackendUnavailableException notAcknowledged(long acknowledged, String what) {
    return new BackendUnavailableException("only " + acknowledged + " of the " + ack.replicas()
        + " replicas required (waitReplicas) acknowledged " + what + " within " + ack.timeout().toMillis()
        + " ms (waitTimeout); a failover now could lose it, so it does not count", null);
  }
}
