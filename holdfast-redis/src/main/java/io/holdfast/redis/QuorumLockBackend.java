package io.holdfast.redis;

import io.holdfast.BackendUnavailableException;
import io.holdfast.ErrorCode;
import io.holdfast.FencingToken;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.LockName;
import io.holdfast.LockState;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewRequest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link LockBackend} over N independent Redis masters ({@code redis-quorum://}), the Redlock scheme: a lock is
 * held by whoever holds it on a majority of the masters, granted within a validity window measured on the
 * monotonic clock ({@link Redlock}); release and renew go to every master ({@link QuorumOps}). The read/write
 * lock and the semaphore are offered the same way over the masters' holder tables ({@link QuorumHolders}).
 *
 * <p>Every master runs the same scripts as a standalone server, with its own fence counter. The fencing token
 * of a grant is settled in a second round so that it keeps increasing across the quorum (see
 * {@link QuorumTally} and adopt.lua); what that assumes is stated in docs/guarantees.md.
 *
 * <p>One Lettuce client (one set of event-loop threads) serves all masters; each master has its own command and
 * pub/sub connection, connected lazily so that the backend opens with a minority of masters down.
 *
 * <p>Safe: the master list is immutable; each operation builds its own state; {@link #close()} runs once.
 */
final class QuorumLockBackend implements LockBackend {
  private final List<QuorumMaster> masters;
  private final QuorumOps ops;
  private final QuorumHolders holders;
  private final RedisClient client;
  private final ClientResources resources;
  private final HoldfastOptions options;
  private final String safeUri;
  private final AtomicBoolean closed = new AtomicBoolean();

  private QuorumLockBackend(List<QuorumMaster> masters, RedisClient client, ClientResources resources,
      HoldfastOptions options, String safeUri) {
    this.masters = List.copyOf(masters);
    this.ops = new QuorumOps(this.masters, options.operationTimeout());
    this.client = client;
    this.resources = resources;
    this.options = options;
    this.safeUri = safeUri;
    this.holders = new QuorumHolders(this.masters, ops, KeySpace.standalone(options.keyPrefix()), options, this);
  }

  /**
   * Connects to every master and waits until a majority answered (the rest are retried on use).
   *
   * @param spec the parsed {@code redis-quorum://} URI
   * @param options the client options
   * @return the backend
   * @throws BackendUnavailableException when fewer than a majority of masters can be reached
   */
  static QuorumLockBackend open(TopologySpec spec, HoldfastOptions options) {
    ClientResources resources = SharedClientResources.acquire();
    RedisClient client = RedisClient.create(resources);
    client.setOptions(LettuceSetup.clientOptions(options.operationTimeout()));
    KeySpace keys = KeySpace.standalone(options.keyPrefix());
    List<QuorumMaster> masters = new ArrayList<>();
    for (RedisURI uri : spec.nodes()) {
      uri.setClientName(RedisConnections.clientName(options.clientName()));
      // The lane drains on Lettuce's computation threads, never on a connection's event loop (see CommandLane).
      masters.add(new QuorumMaster(client, uri, keys, CommandLane.drainingOn(resources.eventExecutorGroup())));
    }
    QuorumLockBackend backend = new QuorumLockBackend(masters, client, resources, options, spec.safeUri());
    List<CompletableFuture<QuorumMaster.Connected>> connecting = masters.stream().map(QuorumMaster::connection)
        .toList();
    int majority = QuorumTally.majority(masters.size());
    List<Gather.Reply<QuorumMaster.Connected>> replies = Gather.until(connecting,
        r -> r.stream().filter(x -> x != null && x.ok()).count() >= masters.size(),
        System.nanoTime() + options.operationTimeout().toNanos()).join();
    long reachable = replies.stream().filter(r -> r != null && r.ok()).count();
    if (reachable < majority) {
      backend.close();
      Throwable cause = replies.stream().filter(r -> r != null && !r.ok()).map(Gather.Reply::failure)
          .findFirst().orElse(null);
      throw new BackendUnavailableException("Cannot connect to a majority of the independent masters "
          + spec.safeUri() + ": " + reachable + " of " + masters.size() + " reachable, " + majority + " needed", cause);
    }
    return backend;
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl,
      long requestId) {
    return call(() -> {
      LockScripts.ttlMillis(ttl); // validates before anything is sent
      List<Redlock.Master> voters = new ArrayList<>(masters.size());
      for (QuorumMaster master : masters) {
        voters.add(master.voter(name, owner, ttl));
      }
      return Redlock.acquire(voters, name.value(), ttl.minus(options.driftAllowance(ttl)))
          .thenCompose(outcome -> answer(name, outcome));
    });
  }

  /*
   * The fair mode over independent masters: Redlock's fair attempt (its class comment has the settled ticket and why
   * nobody passes a waiter in line); a busy answer carries the settled ticket.
   */
  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireFair(LockName name, OwnerToken owner, Duration ttl,
      long requestId, Duration wait, Duration queueKeep) {
    return call(() -> {
      LockScripts.ttlMillis(ttl);
      List<Redlock.Master> voters = new ArrayList<>(masters.size());
      for (QuorumMaster master : masters) {
        voters.add(master.voter(name, owner, ttl, queueKeep));
      }
      return Redlock.acquireFair(voters, name.value(), ttl.minus(options.driftAllowance(ttl)))
          .thenCompose(outcome -> answer(name, outcome));
    });
  }

  private static CompletableFuture<AcquireOutcome> answer(LockName name, Redlock.Outcome outcome) {
    if (outcome instanceof Redlock.Granted granted) {
      return CompletableFuture.completedFuture(
          new AcquireOutcome.Granted(new FencingToken(granted.token()), granted.holds()));
    }
    if (outcome instanceof Redlock.Busy busy) {
      return CompletableFuture.completedFuture(new AcquireOutcome.Busy(busy.remaining(), busy.ticket()));
    }
    return CompletableFuture.failedFuture(new BackendUnavailableException(outcome instanceof Redlock.Unavailable u
        ? u.reason() : "acquire of lock '" + name + "': unexpected " + outcome, null));
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(LockName name, OwnerToken owner, FencingToken fencingToken,
      long requestId) {
    return call(() -> ops.release(name, owner, fencingToken, requestId));
  }

  @Override
  public CompletableFuture<List<Boolean>> renew(List<RenewRequest> leases) {
    return call(() -> leases.isEmpty() ? CompletableFuture.completedFuture(List.of()) : ops.renew(leases));
  }

  @Override
  public CompletableFuture<Optional<LockState>> inspect(LockName name) {
    return call(() -> ops.inspect(name));
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribe(LockName name, Runnable onRelease) {
    String channel = KeySpace.standalone(options.keyPrefix()).releaseChannel(name);
    return call(() -> QuorumSubscription.open(masters, channel, onRelease, options.operationTimeout()));
  }

  /*
   * Each master's release of a fair grant names the head of its own line ("<token> <head>"). After settlement the
   * masters agree on the head; where they do not (yet), each head named is passed on and woken, and its attempt
   * decides. The same hand-off arrives from every master of the majority that released: each distinct message is
   * passed on once, so a waiter may be woken once per distinct head, which costs an attempt, never the order.
   */
  @Override
  public CompletableFuture<ReleaseSubscription> subscribeHandOffs(LockName name, Consumer<String> onRelease) {
    String channel = KeySpace.standalone(options.keyPrefix()).releaseChannel(name);
    return call(() -> QuorumSubscription.openForMessages(masters, channel, message -> {
      int space = message.indexOf(' ');
      onRelease.accept(space < 0 ? "" : message.substring(space + 1));
    }, options.operationTimeout()));
  }

  /** The read/write lock and the semaphore over the same masters ({@link QuorumHolders}). */
  @Override
  public <T> Optional<T> feature(Class<T> type) {
    if (type.isInstance(holders)) {
      return Optional.of(type.cast(holders));
    }
    return LockBackend.super.feature(type);
  }

  @Override
  public boolean isTransient(Throwable failure) {
    return RedisErrors.isTransient(failure);
  }

  @Override
  public String describe() {
    long up = masters.stream().filter(QuorumMaster::isConnected).count();
    return safeUri + " (" + masters.size() + " independent masters, majority "
        + QuorumTally.majority(masters.size()) + ", " + up + " connected)";
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      masters.forEach(QuorumMaster::close);
      RedisConnections.shutdown(client, resources, safeUri);
    }
  }

  @Override
  public String toString() {
    return "QuorumLockBackend[" + describe() + "]";
  }

  <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new HoldfastException(ErrorCode.CLOSED, "The Redis quorum backend " + safeUri + " is closed"));
    }
    try {
      return operation.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
