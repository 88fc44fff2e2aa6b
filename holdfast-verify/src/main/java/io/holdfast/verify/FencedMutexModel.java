package io.holdfast.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/*
 * The sequential specification C4 checks against: a mutex whose grants carry strictly increasing fencing tokens
 * and whose leases expire. Knossos's mutex model with tokens, time and crashes:
 *
 *   acquire ok (o, t)   the lock is free and t exceeds every earlier token  -> held by (o, t)
 *   acquire fail (o)    the lock is held by another owner
 *   release ok (o, t)   held by (o, t)                                      -> free
 *   renew ok (o, t)     held by (o, t)                                      -> lease extended
 *   expiry              internal: a held lease may end on its own, but not before the earliest moment Redis can
 *                       expire it: (latest of invoke and the state's lower bound) + TTL - epsilon, counted from
 *                       the grant or last visible renewal. Background renewals are invisible, but they only
 *                       push expiry later, so the bound stays sound.
 *   lease loss          internal: within a lease-loss window [start, end] a lease granted before its end may
 *                       vanish at any moment of it. Data loss (redis-wipe) is one; a Redis clock step is another,
 *                       since it breaks "Redis expiry follows real time" from the step until one TTL after the
 *                       clock is stepped back (a lease set while the clock was behind expires early afterwards).
 *
 * Operations with an unknown outcome (a crashed client's, a timed-out one's, and the possibly granted earlier
 * attempts of any acquire, see LinearizabilityChecker) are taken at their invoke and their
 * effect is deferred: the request may still be in flight and take effect at any later moment, or never. An
 * unknown acquire adds a pending grant that may fire whenever the lock is free (to an anonymous owner with a
 * fresh token); an unknown release marks the lease releasable from then on. Taking them at their invoke is then
 * the most permissive choice, so the search never has to try them anywhere else: without this the search is
 * exponential in the number of crashes. A failed release is taken as one of unknown outcome too (after an
 * ambiguous first attempt, a "not owner" answer cannot tell whether that attempt released the lock). Unknown and
 * failed renewals could only extend a lease, which never explains anything, so they are left out.
 *
 * The model is non-deterministic, so the search works on sets of states (as Knossos and Porcupine do), pruned of
 * subsumed states. A state's notBefore is the earliest time it can exist (raised by an expiry or loss): an
 * operation can only be applied to it if it completed no earlier. Tokens are scaled by 1024 so that up to 1023
 * anonymous grants fit between two known ones.
 */
final class FencedMutexModel {
  static final long SCALE = 1024;
  static final String ANONYMOUS = "?";

  /**
   * What the lock looks like: the holder (null when free), its token, when its grant can have happened at the
   * earliest ({@code since}), when its lease can expire at the earliest, whether a release of unknown outcome may
   * still free it; the largest token so far; how many unknown acquires may still take effect; and the earliest
   * time this state can exist ({@code notBefore}).
   */
  record State(String owner, long token, long since, long expiry, boolean releasable, long maxToken,
      int pendingGrants, long notBefore) {
    static State initial() {
      return new State(null, 0, 0, 0, false, 0, 0, Long.MIN_VALUE);
    }

    State freed(long at) {
      return new State(null, 0, 0, 0, false, maxToken, pendingGrants, Math.max(notBefore, at));
    }

    boolean heldBy(String o, long t) {
      return owner != null && owner.equals(o) && token == t;
    }
  }

  /** What an operation does to the lock. */
  enum Kind { ACQUIRE_OK, ACQUIRE_FAIL, ACQUIRE_UNKNOWN, RELEASE_OK, RELEASE_UNKNOWN, RENEW_OK }

  /** One operation as the model sees it; {@code token} is unscaled. */
  record Step(Kind kind, String owner, long token, long invoke, long complete) { }

  private final long ttlNanos;
  private final List<long[]> lossWindows;

  /**
   * @param ttl the lease TTL
   * @param epsilon how much earlier than TTL after a request Redis may expire it (clock granularity and rate)
   * @param lossWindows windows [start, end] in which Redis may lose any lease granted before the end
   */
  FencedMutexModel(Duration ttl, Duration epsilon, List<long[]> lossWindows) {
    this.ttlNanos = ttl.minus(epsilon).toNanos();
    this.lossWindows = List.copyOf(lossWindows);
  }

  /** Every state the lock can be in after {@code step}, from any of {@code states}; empty if none. */
  Set<State> step(Set<State> states, Step step) {
    Set<State> next = new HashSet<>();
    for (State state : states) {
      for (State before : internalMoves(state, step.complete())) {
        if (before.notBefore() <= step.complete()) {
          apply(before, step, next);
        }
      }
    }
    return withoutSubsumed(next);
  }

  /** The state itself and what internal moves can make of it before an operation that completed then. */
  private List<State> internalMoves(State state, long complete) {
    List<State> states = new ArrayList<>(3);
    states.add(state);
    if (state.owner() == null) {
      if (state.pendingGrants() > 0) {
        long fresh = state.maxToken() + 1;
        states.add(new State(ANONYMOUS, fresh, state.notBefore(), state.notBefore() + ttlNanos, false, fresh,
            state.pendingGrants() - 1, state.notBefore()));
      }
      return states;
    }
    if (state.releasable()) {
      states.add(state.freed(state.notBefore()));
    } else if (state.expiry() <= complete) {
      states.add(state.freed(state.expiry()));
    }
    for (long[] window : lossWindows) {
      if (window[0] <= complete && state.since() <= window[1] && state.notBefore() <= window[1]) {
        states.add(state.freed(Math.max(window[0], state.since())));
      }
    }
    return states;
  }

  private void apply(State s, Step step, Set<State> next) {
    long token = step.token() * SCALE;
    switch (step.kind()) {
      case ACQUIRE_OK -> {
        if (s.owner() == null && token > s.maxToken()) {
          long since = Math.max(step.invoke(), s.notBefore());
          next.add(new State(step.owner(), token, since, since + ttlNanos, false, token, s.pendingGrants(),
              s.notBefore()));
        }
      }
      case ACQUIRE_FAIL -> {
        if (s.owner() != null && !s.owner().equals(step.owner())) {
          next.add(s);
        }
      }
      case ACQUIRE_UNKNOWN -> next.add(new State(s.owner(), s.token(), s.since(), s.expiry(), s.releasable(),
          s.maxToken(), s.pendingGrants() + 1, s.notBefore()));
      case RELEASE_OK -> {
        if (s.heldBy(step.owner(), token)) {
          next.add(s.freed(s.notBefore()));
        }
      }
      case RELEASE_UNKNOWN -> next.add(s.heldBy(step.owner(), token)
          ? new State(s.owner(), s.token(), s.since(), s.expiry(), true, s.maxToken(), s.pendingGrants(),
              s.notBefore())
          : s);
      case RENEW_OK -> {
        if (s.heldBy(step.owner(), token)) {
          long renewed = Math.max(step.invoke(), s.notBefore()) + ttlNanos;
          next.add(new State(s.owner(), s.token(), s.since(), Math.max(s.expiry(), renewed), s.releasable(),
              s.maxToken(), s.pendingGrants(), s.notBefore()));
        }
      }
      default -> throw new IllegalArgumentException(step.kind().toString());
    }
  }

  /*
   * Drops states that another state of the set subsumes: same holder and token, and every other field at least as
   * permissive (earlier grant, expiry and lower bound, no larger largest token, releasable if the other is, at
   * least as many pending grants). Every later step allowed from the subsumed state is allowed from the other
   * one, so the set admits exactly the same futures, and stays small.
   */
  static Set<State> withoutSubsumed(Set<State> states) {
    if (states.size() < 2) {
      return states;
    }
    Set<State> kept = new HashSet<>();
    for (State candidate : states) {
      boolean subsumed = false;
      for (State other : states) {
        // Two distinct states cannot subsume each other: that would make every compared field equal.
        if (!other.equals(candidate) && subsumes(other, candidate)) {
          subsumed = true;
          break;
        }
      }
      if (!subsumed) {
        kept.add(candidate);
      }
    }
    return kept;
  }

  private static boolean subsumes(State a, State b) {
    return Objects.equals(a.owner(), b.owner()) && a.token() == b.token() && a.since() <= b.since()
        && a.expiry() <= b.expiry() && (a.releasable() || !b.releasable()) && a.maxToken() <= b.maxToken()
        && a.pendingGrants() >= b.pendingGrants() && a.notBefore() <= b.notBefore();
  }
}
