package io.holdfast.redis;

import io.holdfast.BackendUnavailableException;
import io.holdfast.FencingToken;
import io.holdfast.LockName;
import io.holdfast.LockState;
import io.holdfast.OwnerToken;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Release, renew and inspect over the independent masters, for the lock and, through the same counting with the
 * per-master step passed in, for the read/write lock's and the semaphore's holder tables (QuorumHolders). Each
 * goes to every master; a lock counts as held by an owner only where a majority of ALL masters says so, which is
 * the Redlock rule for the grant applied to everything after it:
 * <ul>
 *   <li>release: released on a majority gives {@code Released}; a majority that does not hold it gives
 *       {@code NotOwner}; anything in between (masters unreachable) fails transiently, and the engine's retry
 *       with the same request id is safe on every master;</li>
 *   <li>renew: a lease is renewed when a majority renewed it; a lease that a majority did not renew but the
 *       failed masters could still make up fails the whole call transiently, so the engine retries before the
 *       lease's deadline rather than declaring it lost on an unknown (a holder table's renewal answers that lease
 *       UNKNOWN instead, which the engine retries the same way);</li>
 *   <li>inspect: the holder a majority agrees on, with the time until fewer than a majority hold it; for a
 *       holder table, the number of holders a majority agrees on.</li>
 * </ul>
 * Each stops waiting as soon as the answer is settled, so one paused master does not slow them down.
 *
 * <p>Safe: stateless apart from the immutable master list.
 */
final class QuorumOps {
  private final List<QuorumMaster> masters;
  private final int majority;
  private final Duration timeout;

  QuorumOps(List<QuorumMaster> masters, Duration timeout) {
    this.masters = masters;
    this.majority = QuorumTally.majority(masters.size());
    this.timeout = timeout;
  }

  CompletableFuture<ReleaseOutcome> release(LockName name, OwnerToken owner, FencingToken token, long requestId) {
    return release("release of lock '" + name + "'", c -> c.scripts().release(name, owner, token, requestId));
  }

  /**
   * A release by majority, for any per-master release step answering the holds left ({@code >= 0}) or -1 (not
   * held by that owner under that token): the lock's release.lua and the holder tables' holders_release.lua.
   */
  CompletableFuture<ReleaseOutcome> release(String what,
      Function<QuorumMaster.Connected, CompletableFuture<Long>> call) {
    return all(call, replies -> {
      int released = count(replies, left -> left >= 0);
      int notOwner = count(replies, left -> left < 0);
      return released >= majority || notOwner > masters.size() - majority;
    }).thenApply(replies -> {
      int released = count(replies, left -> left >= 0);
      if (released >= majority) {
        long left = replies.stream().filter(r -> r != null && r.ok() && r.value() >= 0)
            .mapToLong(Gather.Reply::value).max().orElse(0);
        return new ReleaseOutcome.Released((int) Math.min(Integer.MAX_VALUE, left));
      }
      if (count(replies, left -> left < 0) > masters.size() - majority) {
        return new ReleaseOutcome.NotOwner();
      }
      throw unknown(what, replies);
    });
  }

  CompletableFuture<List<Boolean>> renew(List<RenewRequest> leases) {
    int size = leases.size();
    return renewVotes(size, c -> c.scripts().renew(leases).thenApply(reply -> ScriptReplies.renew(reply, size)))
        .thenApply(replies -> {
          if (undecided(replies, size) > 0) {
            throw unknown("renewal of " + size + " leases", replies);
          }
          List<Boolean> renewed = new ArrayList<>(size);
          for (int i = 0; i < size; i++) {
            renewed.add(renewedBy(replies, i) >= majority);
          }
          return renewed;
        });
  }

  /**
   * A renewal by majority, per lease, for any per-master renewal step answering one renewed-or-not per lease (the
   * holder tables' holders_renew.lua): renewed by a majority, not held when the missing masters could not make
   * one up, else unknown (the engine retries that lease until its deadline).
   */
  CompletableFuture<List<RenewOutcome>> renewEach(int size,
      Function<QuorumMaster.Connected, CompletableFuture<List<Boolean>>> call) {
    return renewVotes(size, call).thenApply(replies -> {
      int unknown = masters.size() - count(replies, r -> true);
      List<RenewOutcome> outcomes = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        int yes = renewedBy(replies, i);
        outcomes.add(yes >= majority ? RenewOutcome.RENEWED
            : yes + unknown >= majority ? RenewOutcome.UNKNOWN : RenewOutcome.NOT_HELD);
      }
      return outcomes;
    });
  }

  private CompletableFuture<List<Gather.Reply<List<Boolean>>>> renewVotes(int size,
      Function<QuorumMaster.Connected, CompletableFuture<List<Boolean>>> call) {
    return all(call, replies -> undecided(replies, size) == 0);
  }

  /**
   * How many holders a majority agrees on, for any per-master listing of holders (one "owner token" string each;
   * holders_count.lua's list): a holder counts when a majority of ALL masters reports it with the same token.
   */
  CompletableFuture<Integer> agreedHolders(String what,
      Function<QuorumMaster.Connected, CompletableFuture<List<String>>> call) {
    return all(call, replies -> Gather.pending(replies) == 0).thenApply(replies -> {
      if (count(replies, r -> true) < majority) {
        throw unknown(what, replies);
      }
      Map<String, Integer> seen = new HashMap<>();
      replies.stream().filter(r -> r != null && r.ok())
          .forEach(r -> r.value().stream().distinct().forEach(holder -> seen.merge(holder, 1, Integer::sum)));
      return (int) seen.values().stream().filter(n -> n >= majority).count();
    });
  }

  CompletableFuture<Optional<LockState>> inspect(LockName name) {
    return all(c -> c.scripts().inspect(name).thenApply(reply -> ScriptReplies.inspect(name, reply)),
        replies -> agreed(replies).isPresent()).thenApply(replies -> {
          Optional<LockState> agreed = agreed(replies);
          if (agreed.isEmpty() && count(replies, state -> true) < majority) {
            throw unknown("inspect of lock '" + name + "'", replies);
          }
          return agreed;
        });
  }

  /** The holder (owner and token) a majority reports, with the majority-th longest remaining TTL. */
  private Optional<LockState> agreed(List<Gather.Reply<Optional<LockState>>> replies) {
    Map<String, List<LockState>> groups = new HashMap<>();
    for (Gather.Reply<Optional<LockState>> reply : replies) {
      if (reply != null && reply.ok() && reply.value().isPresent()) {
        LockState state = reply.value().get();
        groups.computeIfAbsent(state.owner().value() + "/" + state.fencingToken().value(), k -> new ArrayList<>())
            .add(state);
      }
    }
    for (List<LockState> group : groups.values()) {
      if (group.size() >= majority) {
        group.sort(Comparator.comparing(LockState::remainingTtl).reversed());
        LockState last = group.get(majority - 1);
        int holds = group.stream().mapToInt(LockState::holdCount).min().orElse(1);
        return Optional.of(new LockState(last.name(), last.owner(), last.fencingToken(), holds, last.remainingTtl()));
      }
    }
    return Optional.empty();
  }

  /** Leases whose outcome the missing masters could still change either way. */
  private int undecided(List<Gather.Reply<List<Boolean>>> replies, int size) {
    int unknown = masters.size() - count(replies, r -> true);
    int undecided = 0;
    for (int i = 0; i < size; i++) {
      int yes = renewedBy(replies, i);
      if (yes < majority && yes + unknown >= majority) {
        undecided++;
      }
    }
    return undecided;
  }

  private static int renewedBy(List<Gather.Reply<List<Boolean>>> replies, int lease) {
    return (int) replies.stream().filter(r -> r != null && r.ok() && r.value().get(lease)).count();
  }

  private <T> CompletableFuture<List<Gather.Reply<T>>> all(
      Function<QuorumMaster.Connected, CompletableFuture<T>> call,
      java.util.function.Predicate<List<Gather.Reply<T>>> settled) {
    List<CompletableFuture<T>> calls = new ArrayList<>(masters.size());
    masters.forEach(master -> calls.add(master.on(call)));
    return Gather.until(calls, settled, System.nanoTime() + timeout.toNanos());
  }

  private static <T> int count(List<Gather.Reply<T>> replies, java.util.function.Predicate<T> which) {
    return (int) replies.stream().filter(r -> r != null && r.ok() && which.test(r.value())).count();
  }

  private <T> BackendUnavailableException unknown(String what, List<Gather.Reply<T>> replies) {
    Throwable cause = replies.stream().filter(r -> r != null && !r.ok()).map(Gather.Reply::failure)
        .findFirst().orElse(null);
    return new BackendUnavailableException(what + ": only " + count(replies, r -> true) + " of " + masters.size()
        + " independent masters answered, too few to decide with a majority of " + majority, cause);
  }
}
