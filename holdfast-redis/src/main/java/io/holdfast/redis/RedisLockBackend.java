package io.holdfast.redis;

import io.holdfast.DeadlockVictim;
import io.holdfast.ErrorCode;
import io.holdfast.FencingToken;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LockName;
import io.holdfast.LockState;
import io.holdfast.OwnerToken;
import io.holdfast.internal.DeadlockCheck;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link LockBackend} on one logical Redis master: a standalone server, the master a Sentinel group points to,
 * or a Redis Cluster (where each lock lives on the master of its hash slot).
 *
 * <p>Each operation is one Lua script call per slot involved, so it is atomic on the server, and the scripts
 * keep the whole lock protocol: the data model and each script's contract are in the script headers
 * ({@code io/holdfast/redis/*.lua}). This class only picks keys, groups renewals and decodes replies. With
 * {@code waitReplicas}, acquire and renew are followed by WAIT ({@link ReplicaAcks}).
 *
 * <p>Renewal: one EVALSHA for the whole batch on a standalone or Sentinel master; on Cluster one EVALSHA per
 * hash slot present in the batch (a script's keys must share a slot), all sent at once, so Lettuce pipelines
 * them on each node's connection: a batch costs one round trip per node, and as many commands as distinct slots.
 *
 * <p>Safe: every field is final and thread-safe (Lettuce's async API may be called from any thread). Futures
 * complete on Lettuce's I/O threads, as the SPI allows. After {@link #close()} every call fails fast with
 * {@link ErrorCode#CLOSED}.
 */
final class RedisLockBackend implements LockBackend {
  private final RedisConnections redis;
  private final LockScripts scripts;
  private final ReleaseChannels channels;
  private final ReplicaAcks acks;
  private final boolean cluster;
  private final RedisPrimitives primitives;
  /** Deadlock detection, when the backend URI opts in (deadlockDetection=...); null otherwise. */
  private final DeadlockCheck.Detection deadlocks;

  RedisLockBackend(RedisConnections redis, KeySpace keys, ReplicaAck ack, boolean cluster, DeadlockVictim victim) {
    this.redis = redis;
    this.deadlocks = victim == null ? null
        : new DeadlockCheck.Detection(WaitGraphScripts.on(redis.commands, keys), victim);
    this.scripts = new LockScripts(redis.commands, keys, redis.shardedPubSub);
    this.channels = new ReleaseChannels(redis.pubSub, redis.shardedPubSub);
    this.acks = ack.enabled() ? new ReplicaAcks(ack, scripts) : null;
    this.cluster = cluster;
    this.primitives = new RedisPrimitives(this, scripts, channels, acks, redis.shardedPubSub);
    if (redis.shardedPubSub) {
      redis.onTopologyChange(channels::resubscribeAll);
    }
  }

  /**
   * Connects to the standalone server, Sentinel master or cluster the options name.
   *
   * @param options the client options
   * @return the backend
   * @throws InvalidArgumentException when the URI is malformed
   * @throws io.holdfast.BackendUnavailableException when Redis cannot be reached
   */
  static RedisLockBackend open(HoldfastOptions options) {
    return open(TopologyUris.parse(options.backend(), options.operationTimeout()), options);
  }

  static RedisLockBackend open(TopologySpec spec, HoldfastOptions options) {
    if (spec.replicaAck().enabled() && spec.replicaAck().timeout().compareTo(options.operationTimeout()) >= 0) {
      throw new InvalidArgumentException("waitTimeout " + spec.replicaAck().timeout().toMillis()
          + " ms must be shorter than the operation timeout " + options.operationTimeout().toMillis() + " ms");
    }
    boolean cluster = spec.kind() == RedisTopology.CLUSTER;
    RedisConnections redis = RedisConnections.open(spec, options, LockScripts.ALL);
    KeySpace keys = cluster ? KeySpace.cluster(options.keyPrefix()) : KeySpace.standalone(options.keyPrefix());
    return new RedisLockBackend(redis, keys, spec.replicaAck(), cluster,
        TopologyUris.deadlockVictim(options.backend(), null));
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl,
      long requestId) {
    if (acks != null) {
      return call(() -> acks.acquire(name, owner, ttl, requestId));
    }
    return call(() -> scripts.acquire(name, owner, ttl, requestId).thenApply(ScriptReplies::acquire));
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireFair(LockName name, OwnerToken owner, Duration ttl,
      long requestId, Duration wait, Duration queueKeep) {
    if (acks != null) {
      return call(() -> acks.acquireFair(name, owner, ttl, requestId, queueKeep));
    }
    return call(() -> scripts.acquireFair(name, owner, ttl, requestId, queueKeep).thenApply(ScriptReplies::acquire));
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(LockName name, OwnerToken owner, FencingToken fencingToken,
      long requestId) {
    return call(() -> scripts.release(name, owner, fencingToken, requestId).thenApply(ScriptReplies::release));
  }

  /** One EVALSHA per batch, or per slot of the batch on Cluster; the engine already caps the batch size. */
  @Override
  public CompletableFuture<List<Boolean>> renew(List<RenewRequest> leases) {
    if (leases.isEmpty()) {
      return call(() -> CompletableFuture.completedFuture(List.of()));
    }
    if (!cluster) {
      return call(() -> (acks != null ? acks.renew(leases) : scripts.renew(leases))
          .thenApply(reply -> ScriptReplies.renew(reply, leases.size())));
    }
    // Every group must answer: one that did not fails the batch (renewEach reports it per lease instead).
    return call(() -> renewEachBySlot(leases, true).thenApply(outcomes -> outcomes.stream()
        .map(outcome -> outcome == RenewOutcome.RENEWED).toList()));
  }

  @Override
  public CompletableFuture<List<RenewOutcome>> renewEach(List<RenewRequest> leases) {
    if (!cluster || leases.isEmpty()) {
      return LockBackend.super.renewEach(leases);
    }
    return call(() -> renewEachBySlot(leases, false));
  }

  /**
   * A renewal batch of another script (the read/write lock's and semaphore's holders_renew.lua): one call for the
   * batch, or one per slot group on Cluster, as for the lock. A failed group reads UNKNOWN; the future fails only
   * when no group answered.
   */
  CompletableFuture<List<RenewOutcome>> renewBySlot(List<RenewRequest> leases,
      Function<List<RenewRequest>, CompletableFuture<List<Object>>> script) {
    if (!cluster) {
      return script.apply(leases).thenApply(reply -> ScriptReplies.renew(reply, leases.size()).stream()
          .map(renewed -> renewed ? RenewOutcome.RENEWED : RenewOutcome.NOT_HELD).toList());
    }
    return renewEachBySlot(leases, false, script);
  }

  private CompletableFuture<List<RenewOutcome>> renewEachBySlot(List<RenewRequest> leases, boolean strict) {
    return renewEachBySlot(leases, strict, this::renewPart);
  }

  /** One EVALSHA per slot group; a failed group fails the whole batch when {@code strict}, else reads UNKNOWN. */
  private CompletableFuture<List<RenewOutcome>> renewEachBySlot(List<RenewRequest> leases, boolean strict,
      Function<List<RenewRequest>, CompletableFuture<List<Object>>> script) {
    List<int[]> groups = RenewGroups.bySlot(leases);
    RenewOutcome[] outcomes = new RenewOutcome[leases.size()];
    Arrays.fill(outcomes, RenewOutcome.UNKNOWN);
    AtomicReference<Throwable> lastFailure = new AtomicReference<>();
    List<CompletableFuture<Boolean>> calls = new ArrayList<>(groups.size());
    for (int[] group : groups) {
      List<RenewRequest> part = Arrays.stream(group).mapToObj(leases::get).toList();
      calls.add(safely(script, part).handle((reply, failure) -> {
        if (failure != null) {
          lastFailure.set(failure);
          return false;
        }
        List<Boolean> results = ScriptReplies.renew(reply, part.size());
        for (int i = 0; i < group.length; i++) {
          outcomes[group[i]] = results.get(i) ? RenewOutcome.RENEWED : RenewOutcome.NOT_HELD;
        }
        return true;
      }));
    }
    // allOf happens-after every write above, so the array is fully visible when it is read.
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(done -> {
      long answered = calls.stream().filter(CompletableFuture::join).count();
      if (answered == 0 || strict && answered < calls.size()) {
        throw new CompletionException(lastFailure.get());
      }
      return List.of(outcomes);
    });
  }

  private CompletableFuture<List<Object>> renewPart(List<RenewRequest> part) {
    return scripts.renew(part);
  }

  private static CompletableFuture<List<Object>> safely(
      Function<List<RenewRequest>, CompletableFuture<List<Object>>> script, List<RenewRequest> part) {
    try {
      return script.apply(part);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Optional<LockState>> inspect(LockName name) {
    return call(() -> scripts.inspect(name).thenApply(reply -> ScriptReplies.inspect(name, reply)));
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribe(LockName name, Runnable onRelease) {
    return call(() -> channels.subscribe(scripts.keys().releaseChannel(name), onRelease));
  }

  /** The read/write lock and the semaphore ({@link RedisPrimitives}). */
  @Override
  public <T> Optional<T> feature(Class<T> type) {
    if (type.isInstance(primitives)) {
      return Optional.of(type.cast(primitives));
    }
    if (deadlocks != null && type == DeadlockCheck.Detection.class) {
      return Optional.of(type.cast(deadlocks));
    }
    return LockBackend.super.feature(type);
  }

  /** Redis TIME on the command connection (one node of a cluster: their clocks time their own keys alike). */
  @Override
  public CompletableFuture<Optional<Instant>> time() {
    return redis.commands.time().toCompletableFuture().thenApply(reply -> Optional.of(Instant.ofEpochSecond(
        Long.parseLong(reply.get(0)), Long.parseLong(reply.get(1)) * 1_000)));
  }

  /* release.lua's message is "<token>", or "<token> <head>" when a fair grant hands off to the head of its line. */
  @Override
  public CompletableFuture<ReleaseSubscription> subscribeHandOffs(LockName name, Consumer<String> onRelease) {
    return call(() -> channels.subscribe(scripts.keys().releaseChannel(name), (String message) -> {
      int space = message.indexOf(' ');
      onRelease.accept(space < 0 ? "" : message.substring(space + 1));
    }));
  }

  @Override
  public boolean isTransient(Throwable failure) {
    return RedisErrors.isTransient(failure);
  }

  @Override
  public boolean neverSent(Throwable failure) {
    return RedisErrors.neverSent(failure);
  }

  @Override
  public String describe() {
    return redis.safeUri + " (Redis " + redis.serverVersion + ")";
  }

  @Override
  public void close() {
    redis.close();
  }

  @Override
  public String toString() {
    return "RedisLockBackend[" + describe() + "]";
  }

  /** Release channels with a listener right now; for tests. */
  int activeReleaseChannels() {
    return channels.activeChannels();
  }

  /** Whether release wake-ups use sharded pub/sub; for tests. */
  boolean shardedPubSub() {
    return redis.shardedPubSub;
  }

  /**
   * Runs an operation unless the backend is closed, and turns an exception thrown while building the call
   * (a bad TTL) into a failed future, since the SPI reports every failure through the future.
   */
  <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
    if (redis.isClosed()) {
      return CompletableFuture.failedFuture(
          new HoldfastException(ErrorCode.CLOSED, "The Redis backend " + redis.safeUri + " is closed"));
    }
    try {
      return operation.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
