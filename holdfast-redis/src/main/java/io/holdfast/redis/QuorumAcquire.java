package io.holdfast.redis;

import io.holdfast.BackendUnavailableException;
import io.holdfast.FencingToken;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One acquire attempt over the independent masters, the Redlock scheme with a second round for the token:
 * <ol>
 *   <li>acquire.lua on every master at once; stop waiting as soon as the replies settle the outcome
 *       ({@link QuorumTally#enough}) or the validity window closes;</li>
 *   <li>if a majority granted, adopt.lua on every master that granted under another token or count, and on
 *       every master that has not answered yet, raising its counter to at least the settled token;</li>
 *   <li>report the grant only if a majority now holds the settled token and the validity window is still
 *       open: {@code now < start + ttl - drift}, on the monotonic clock, start taken before the first send.</li>
 * </ol>
 * A failed attempt sends undo.lua to every master. Adopt and undo find this attempt's grant by owner and the
 * attempt's request id, not by token, so they can be sent without waiting for a slow master's acquire reply:
 * Lettuce writes commands on a connection in order and Redis runs them in order, so they run right after that
 * acquire, and a grant that was still in flight is adopted or undone before anything the caller sends later.
 *
 * <p>The request id is fresh per attempt, not the engine's: an attempt never ends ambiguous (it reports a grant
 * or undoes everything), so an engine retry after a failure must be a new acquire, and undo must not touch a
 * hold that a retry added.
 *
 * <p>Safe: each attempt is a new object with final state; futures are only composed, never shared.
 */
final class QuorumAcquire {
  private static final Logger LOG = LoggerFactory.getLogger(QuorumAcquire.class);

  private final List<QuorumMaster> masters;
  private final LockName name;
  private final OwnerToken owner;
  private final Duration ttl;
  private final long attemptId = ThreadLocalRandom.current().nextLong();
  private final long start = System.nanoTime();
  private final long validUntil;

  QuorumAcquire(List<QuorumMaster> masters, LockName name, OwnerToken owner, Duration ttl, Duration drift) {
    this.masters = masters;
    this.name = name;
    this.owner = owner;
    this.ttl = ttl;
    this.validUntil = start + ttl.toNanos() - drift.toNanos();
  }

  CompletableFuture<AcquireOutcome> run() {
    List<CompletableFuture<QuorumTally.Vote>> votes = new ArrayList<>();
    for (QuorumMaster master : masters) {
      votes.add(master.on(c -> c.scripts().acquire(name, owner, ttl, attemptId)).thenApply(QuorumTally.Vote::of));
    }
    return Gather.until(votes, QuorumTally::enough, validUntil).thenCompose(snapshot -> {
      QuorumTally.Decision decision = QuorumTally.decide(snapshot);
      if (decision instanceof QuorumTally.Decision.Grant grant && open()) {
        return settle(snapshot, grant);
      }
      undo();
      if (decision instanceof QuorumTally.Decision.Busy busy) {
        return CompletableFuture.completedFuture(new AcquireOutcome.Busy(busy.remaining()));
      }
      return CompletableFuture.failedFuture(unavailable(decision));
    });
  }

  private CompletableFuture<AcquireOutcome> settle(List<Gather.Reply<QuorumTally.Vote>> snapshot,
      QuorumTally.Decision.Grant grant) {
    List<CompletableFuture<Long>> holding = new ArrayList<>();
    for (int i = 0; i < masters.size(); i++) {
      if (grant.settled().contains(i)) {
        holding.add(CompletableFuture.completedFuture(1L));
      } else if (grant.adopt().contains(i) || snapshot.get(i) == null) {
        holding.add(masters.get(i).on(c -> c.scripts().adopt(name, owner, attemptId, grant.token(),
            grant.holds())));
      } else {
        holding.add(CompletableFuture.completedFuture(0L));
      }
    }
    int majority = QuorumTally.majority(masters.size());
    return Gather.until(holding, replies -> held(replies) >= majority
        || held(replies) + Gather.pending(replies) < majority, validUntil).thenApply(replies -> {
          if (held(replies) >= majority && open()) {
            return new AcquireOutcome.Granted(new FencingToken(grant.token()), grant.holds());
          }
          undo();
          throw new BackendUnavailableException("acquire of lock '" + name + "': only " + held(replies) + " of "
              + masters.size() + " independent masters hold the settled token " + grant.token() + " within the "
              + "validity window (majority " + majority + "); every grant was undone", null);
        });
  }

  private static int held(List<Gather.Reply<Long>> replies) {
    return (int) replies.stream().filter(r -> r != null && r.ok() && r.value() == 1L).count();
  }

  /** Gives back this attempt's hold on every master, including grants still in flight; best effort. */
  private void undo() {
    for (QuorumMaster master : masters) {
      master.on(c -> c.scripts().undo(name, owner, attemptId)).whenComplete((undone, failure) -> {
        if (failure != null) {
          LOG.debug("Undo on {} of lock '{}' failed; a grant there expires at its TTL: {}", master.address(), name,
              failure.toString());
        }
      });
    }
  }

  private boolean open() {
    return validUntil - System.nanoTime() > 0;
  }

  private BackendUnavailableException unavailable(QuorumTally.Decision decision) {
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    String why = decision instanceof QuorumTally.Decision.Unavailable u
        ? "only " + u.granted() + " of " + masters.size() + " independent masters granted (majority "
            + QuorumTally.majority(masters.size()) + "), " + u.unreachable() + " failed or did not answer in time"
        : "a majority granted, but only after " + elapsedMillis + " ms, past the validity window of TTL "
            + ttl.toMillis() + " ms minus drift";
    return new BackendUnavailableException("acquire of lock '" + name + "': " + why + "; every grant was undone",
        null);
  }
}
