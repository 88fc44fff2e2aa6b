package io.holdfast.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One acquire attempt over independent masters: Holdfast's one Redlock coordinator, used by the library's
 * quorum backend and by the lock service on {@code redis-quorum://}. The Redlock scheme with a second round for
 * the token:
 * <ol>
 *   <li>acquire.lua on every master at once; stop waiting as soon as the replies settle the outcome
 *       (QuorumTally.enough) or the window closes;</li>
 *   <li>if a majority granted, adopt.lua on every master that granted under another token or count, and on
 *       every master that has not answered yet, raising its counter to at least the settled token;</li>
 *   <li>report the grant only if a majority now holds the settled token and the window is still open:
 *       {@code now < start + window}, on the monotonic clock, start taken before the first send.</li>
 * </ol>
 * A failed attempt sends undo.lua to every master. Adopt and undo find this attempt's grant by owner and the
 * attempt's id, not by token, so they can be sent without waiting for a slow master's acquire reply: each
 * master's calls are issued through its {@link CommandLane} (Lettuce alone lets a command issued on the event
 * loop overtake one issued earlier from another thread) and Redis runs them in order, so they run right after that
 * acquire, and a grant that was still in flight is adopted or undone before anything the caller sends later.
 *
 * <p>The library draws a fresh attempt id per attempt: an attempt never ends ambiguous (it reports a grant or
 * undoes everything), so its retry after a failure is a new attempt. The lock service passes its caller's request
 * id instead, so that a request repeated through another instance is a repeat on every master (the same grant,
 * marked as answered twice) rather than a second hold; undo.lua refuses a request answered twice, so one
 * attempt's undo never takes the hold another attempt of the same request handed out, and on one master's
 * connection an attempt's undo always runs before a later attempt's acquire.
 *
 * <p>Fair mode ({@link #acquireFair}; docs/fair-lock.md, "Independent masters"): Skeen's total-order rule adapted
 * to majorities, with no consensus and no client clock. Each master keeps its own line (fairqueue.lua) and acquire.lua
 * runs there in fair mode: it grants only to the live head of that master's line, and a busy answer carries the
 * caller's ticket there. An attempt that is not granted settles the caller's ticket F: the majority-th smallest of
 * the tickets reported (a grant reports the place it left; QuorumTally.settledTicket), so F is at least
 * the caller's ticket on a majority M of masters. F is written into every master's line (fair_settle.lua), sent
 * without waiting, on each master's connection before the undo and so before the caller's next attempt there.
 * Tickets that master hands out later stay above F (fair_join gives the tail's ticket + 1).
 * <ul>
 *   <li>Nobody passes a settled waiter: if W1 settled F1 &lt; F2 (W2's), W2 cannot be granted by a majority G2
 *       while W1 stays in line: G2 meets M1, and on that master W1 stands at or before F1, ahead of W2, whose score
 *       there is F2 (settled) or a fresh ticket larger than everything present; so that master does not grant W2.
 *       A waiter not settled yet is ordered by its reported tickets, each at most its coming F on M, so it is not
 *       passed either.</li>
 *   <li>Nobody waits forever: after settlement every master orders the waiters by the same F (ties by member, the
 *       zset's order), so the smallest F heads every master that has it and its next attempt gets a majority.
 *       Three waiters that reached three masters in three orders (no waiter heading a majority) are sorted out in
 *       one round.</li>
 * </ul>
 * A fair grant leaves the line on the masters that granted it (acquire.lua); every other master is sent
 * fair_leave.lua, so the next waiter is not held up there until the place lapses. A dead waiter loses its place on
 * every master at most its keep time after its last attempt, as on one server. What it assumes is the plain
 * Redlock's: a master that loses its data (restart without appendfsync always, and no delayed restart) may lose
 * places, which then rejoin at the tail of that master; one such master does not move F (majority-th smallest).
 *
 * <p>Safe: each attempt is a new object with final state; futures are only composed, never shared.
 */
public final class Redlock {
  private static final Logger LOG = LoggerFactory.getLogger(Redlock.class);

  /** One independent master as the coordinator sees it: the three scripts of an attempt, bound to the caller. */
  public interface Master {
    /**
     * acquire.lua for this attempt (the library's reply: {@code {1, token, holds, fresh}}, {@code {0, pttl}},
     * {@code {0, pttl, delayed}} or, for a session whose expiry has passed, {@code {-2}}), or a holder table's
     * grant script in the same shape ({@code {-3}}: the request itself is refused).
     *
     * @param attemptId the attempt's id, the request id of the call
     * @return the raw reply; fails when the master did not answer
     */
    CompletableFuture<List<Object>> acquire(long attemptId);

    /**
     * adopt.lua: 1 when this attempt's grant now carries {@code token} and {@code holds}.
     *
     * @param attemptId the attempt's id
     * @param token the settled token
     * @param holds the settled hold count
     * @return the raw reply
     */
    CompletableFuture<Long> adopt(long attemptId, long token, int holds);

    /**
     * undo.lua: gives back the hold this attempt added, if any.
     *
     * @param attemptId the attempt's id
     * @return the raw reply
     */
    CompletableFuture<Long> undo(long attemptId);

    /**
     * fair_settle.lua (fair mode only): the caller's place in this master's line at the settled {@code ticket},
     * for the attempt's keep time. A master of a plain attempt is never asked; the default fails.
     *
     * @param ticket the settled ticket
     * @return the raw reply
     */
    default CompletableFuture<Long> settle(long ticket) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("no fair line on " + address()));
    }

    /**
     * fair_leave.lua (fair mode only): takes the caller out of this master's line. The default fails.
     *
     * @return the raw reply
     */
    default CompletableFuture<Long> leave() {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("no fair line on " + address()));
    }

    /** @return the master's address, for messages */
    String address();
  }

  /** What an attempt came to. */
  public sealed interface Outcome permits Granted, Busy, SessionExpired, Refused, Unavailable { }

  /**
   * A majority holds the settled token within the window.
   *
   * @param token the settled fencing token
   * @param holds the settled hold count
   */
  public record Granted(long token, int holds) implements Outcome { }

  /**
   * Held by others on enough masters that no majority was possible; every hold of the attempt was undone.
   *
   * @param remaining when enough of them may expire for a majority to be possible again
   * @param delayed whether every busy master reported a grant in lock-delay
   * @param ticket in fair mode, the caller's settled ticket (its place in line on every master); 0 when it has none
   */
  public record Busy(Duration remaining, boolean delayed, long ticket) implements Outcome {
    /**
     * A busy outcome of a plain attempt.
     *
     * @param remaining when enough of them may expire for a majority to be possible again
     * @param delayed whether every busy master reported a grant in lock-delay
     */
    public Busy(Duration remaining, boolean delayed) {
      this(remaining, delayed, 0);
    }
  }

  /** A majority reported that the caller's session expired; every hold of the attempt was undone. */
  public record SessionExpired() implements Outcome { }

  /**
   * A majority refused the request itself (the read/write lock's upgrade: the owner holds the read side and asked
   * for the write side); every hold of the attempt was undone.
   */
  public record Refused() implements Outcome { }

  /**
   * Neither: too many masters failed, did not answer, or answered after the window; every hold was undone.
   *
   * @param reason a sentence for the caller's error
   */
  public record Unavailable(String reason) implements Outcome { }

  private final List<? extends Master> masters;
  private final String name;
  private final Duration window;
  private final long attemptId;
  private final boolean fair;
  private final long start = System.nanoTime();
  private final long validUntil;

  private Redlock(List<? extends Master> masters, String name, Duration window, long attemptId, boolean fair) {
    this.masters = List.copyOf(masters);
    this.name = Objects.requireNonNull(name, "name");
    this.window = window;
    this.validUntil = start + window.toNanos();
    this.attemptId = attemptId;
    this.fair = fair;
  }

  /**
   * Runs one attempt.
   *
   * @param masters every independent master (a majority of ALL of them must grant)
   * @param name the lock's name, for messages
   * @param window how long after the start a grant may still be reported: for a lease its TTL minus the drift
   *     allowance, so that a reported grant has validity left on every master that holds it
   * @return the outcome; never fails except for a bug
   */
  public static CompletableFuture<Outcome> acquire(List<? extends Master> masters, String name, Duration window) {
    return acquire(masters, name, window, ThreadLocalRandom.current().nextLong());
  }

  /**
   * Runs one attempt under the caller's id (the lock service's request id; see the class comment).
   *
   * @param masters every independent master
   * @param name the lock's name, for messages
   * @param window how long after the start a grant may still be reported
   * @param attemptId the request id every master sees
   * @return the outcome; never fails except for a bug
   */
  public static CompletableFuture<Outcome> acquire(List<? extends Master> masters, String name, Duration window,
      long attemptId) {
    return new Redlock(masters, name, window, attemptId, false).run();
  }

  /**
   * Runs one attempt in fair mode (see the class comment): each master's {@link Master#acquire} runs acquire.lua
   * in fair mode; an attempt that is not granted settles the caller's ticket on every master
   * ({@link Master#settle}), a grant takes the caller out of the line of the masters that did not grant
   * ({@link Master#leave}). Both are sent without waiting for their replies.
   *
   * @param masters every independent master
   * @param name the lock's name, for messages
   * @param window how long after the start a grant may still be reported
   * @param attemptId the request id every master sees
   * @return the outcome, a {@link Busy} carrying the settled ticket; never fails except for a bug
   */
  public static CompletableFuture<Outcome> acquireFair(List<? extends Master> masters, String name, Duration window,
      long attemptId) {
    return new Redlock(masters, name, window, attemptId, true).run();
  }

  /**
   * Runs one attempt in fair mode under a fresh attempt id (the library's; see the class comment).
   *
   * @param masters every independent master
   * @param name the lock's name, for messages
   * @param window how long after the start a grant may still be reported
   * @return the outcome, as {@link #acquireFair(List, String, Duration, long)}
   */
  public static CompletableFuture<Outcome> acquireFair(List<? extends Master> masters, String name, Duration window) {
    return acquireFair(masters, name, window, ThreadLocalRandom.current().nextLong());
  }

  private CompletableFuture<Outcome> run() {
    List<CompletableFuture<QuorumTally.Vote>> votes = new ArrayList<>();
    for (Master master : masters) {
      votes.add(master.acquire(attemptId).thenApply(QuorumTally.Vote::of));
    }
    return Gather.until(votes, QuorumTally::enough, validUntil).thenCompose(snapshot -> {
      QuorumTally.Decision decision = QuorumTally.decide(snapshot);
      if (decision instanceof QuorumTally.Decision.Grant grant && open()) {
        return settle(snapshot, grant);
      }
      if (decision instanceof QuorumTally.Decision.SessionExpired) {
        undo();
        return CompletableFuture.completedFuture(new SessionExpired());
      }
      long ticket = giveUp(snapshot);
      if (decision instanceof QuorumTally.Decision.Busy busy) {
        return CompletableFuture.completedFuture(new Busy(busy.remaining(), busy.delayed(), ticket));
      }
      if (decision instanceof QuorumTally.Decision.Refused) {
        return CompletableFuture.completedFuture(new Refused());
      }
      return CompletableFuture.completedFuture(unavailable(decision, snapshot));
    });
  }

  private CompletableFuture<Outcome> settle(List<Gather.Reply<QuorumTally.Vote>> snapshot,
      QuorumTally.Decision.Grant grant) {
    List<CompletableFuture<Long>> holding = new ArrayList<>();
    for (int i = 0; i < masters.size(); i++) {
      if (grant.settled().contains(i)) {
        holding.add(CompletableFuture.completedFuture(1L));
      } else if (grant.adopt().contains(i) || snapshot.get(i) == null) {
        holding.add(masters.get(i).adopt(attemptId, grant.token(), grant.holds()));
      } else {
        holding.add(CompletableFuture.completedFuture(0L));
      }
    }
    int majority = QuorumTally.majority(masters.size());
    return Gather.until(holding, replies -> held(replies) >= majority
        || held(replies) + Gather.pending(replies) < majority, validUntil).thenApply(replies -> {
          if (held(replies) >= majority && open()) {
            leaveWhereNotGranted(grant);
            return new Granted(grant.token(), grant.holds());
          }
          giveUp(snapshot);
          return new Unavailable("acquire of lock '" + name + "': only " + held(replies) + " of " + masters.size()
              + " independent masters hold the settled token " + grant.token() + " within the validity window"
              + " (majority " + majority + "); every grant was undone");
        });
  }

  private static int held(List<Gather.Reply<Long>> replies) {
    return (int) replies.stream().filter(r -> r != null && r.ok() && r.value() == 1L).count();
  }

  /*
   * An attempt that is not granted: in fair mode its settled ticket goes to every master first, then the undo, so on
   * a master that granted this attempt the caller is back in line before its hold there is given back.
   */
  private long giveUp(List<Gather.Reply<QuorumTally.Vote>> snapshot) {
    long ticket = fair ? QuorumTally.settledTicket(snapshot) : 0;
    if (ticket > 0) {
      for (Master master : masters) {
        bestEffort(master.settle(ticket), master, "Settling the place in line", "it rejoins at its next attempt");
      }
    }
    undo();
    return ticket;
  }

  /* A fair grant: the masters that did not grant it (busy, failed or late) still have the caller in line. */
  private void leaveWhereNotGranted(QuorumTally.Decision.Grant grant) {
    if (!fair) {
      return;
    }
    for (int i = 0; i < masters.size(); i++) {
      if (!grant.settled().contains(i) && !grant.adopt().contains(i)) {
        Master master = masters.get(i);
        bestEffort(master.leave(), master, "Leaving the line", "the place there lapses at its deadline");
      }
    }
  }

  private void bestEffort(CompletableFuture<Long> call, Master master, String what, String otherwise) {
    call.whenComplete((done, failure) -> {
      if (failure != null) {
        LOG.debug("{} on {} of lock '{}' failed; {}: {}", what, master.address(), name, otherwise,
            failure.toString());
      }
    });
  }

  /** Gives back this attempt's hold on every master, including grants still in flight; best effort. */
  private void undo() {
    for (Master master : masters) {
      bestEffort(master.undo(attemptId), master, "Undo", "a grant there expires at its TTL");
    }
  }

  private boolean open() {
    return validUntil - System.nanoTime() > 0;
  }

  private Unavailable unavailable(QuorumTally.Decision decision, List<Gather.Reply<QuorumTally.Vote>> snapshot) {
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    String why = decision instanceof QuorumTally.Decision.Unavailable u
        ? "only " + u.granted() + " of " + masters.size() + " independent masters granted (majority "
            + QuorumTally.majority(masters.size()) + "), " + u.unreachable() + " failed or did not answer in time"
        : "a majority granted, but only after " + elapsedMillis + " ms, past the validity window of "
            + window.toMillis() + " ms";
    String cause = snapshot.stream().filter(r -> r != null && !r.ok()).findFirst()
        .map(r -> "; first failure: " + r.failure()).orElse("");
    return new Unavailable("acquire of lock '" + name + "': " + why + cause + "; every grant was undone");
  }
}
