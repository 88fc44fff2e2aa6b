package io.holdfast.verify;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/*
 * A linearizability search in the style of Wing & Gong as improved by Lowe (and used by Knossos's "linear" and by
 * Porcupine): walk the history's call and return entries in time order; at a call, try to linearize that
 * operation now (the model must accept it), lift it out of the list and start again from the front; at a return
 * whose operation is not yet linearized, backtrack. A cache of (set of linearized operations, model states)
 * prunes configurations already explored, so histories whose operations are mostly sequential, like a mutex's,
 * are checked in close to linear time.
 *
 * The linearized set is identified by two 64-bit Zobrist hashes instead of a bit set, so each cache entry costs a
 * few words even with hundreds of thousands of operations (a false "already explored" needs a 128-bit collision).
 * The search is bounded by a step budget; running out is reported as inconclusive, never as a verdict.
 * An operation whose outcome is unknown can be given a return at the end of time, as Knossos treats :info; but
 * then the search tries it at every position, which is exponential in the number of such operations. The fenced
 * mutex checker instead takes them at their invoke and lets the model defer their effect (FencedMutexModel).
 */
final class WglSearch<S> {
  /** The verdict, with the deepest point reached when no linearization exists. */
  record Result<S>(Verdict verdict, int stuckAt, int linearized, S statesThere, long steps) { }

  enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, INCONCLUSIVE }

  private final long[] invoke;
  private final long[] complete;
  private final BiFunction<S, Integer, S> step;
  private final long budget;

  /**
   * @param invoke invoke time of each operation
   * @param complete completion time of each operation ({@link Long#MAX_VALUE} when unknown)
   * @param step applies operation i to a (set of) model state(s); returns null when impossible
   * @param budget the most steps to explore
   */
  WglSearch(long[] invoke, long[] complete, BiFunction<S, Integer, S> step, long budget) {
    this.invoke = invoke;
    this.complete = complete;
    this.step = step;
    this.budget = budget;
  }

  Result<S> run(S initial) {
    Walk walk = new Walk(initial);
    while (walk.entries.first() != Entries.NONE) {
      if (++walk.steps > budget) {
        // Report where the search got deepest before it was stuck: the likeliest culprit.
        return walk.stuck == null ? new Result<>(Verdict.INCONCLUSIVE, -1, walk.stack.size(), walk.state, walk.steps)
            : new Result<>(Verdict.INCONCLUSIVE, walk.stuck.stuckAt(), walk.stuck.linearized(),
                walk.stuck.statesThere(), walk.steps);
      }
      if (walk.entries.isCall(walk.entry)) {
        walk.tryCall();
      } else if (!walk.backtrack()) {
        return walk.stuck;
      }
    }
    return new Result<>(Verdict.LINEARIZABLE, -1, walk.stack.size(), walk.state, walk.steps);
  }

  /** The mutable state of one search: position, model states, linearized set (as hashes) and the undo stack. */
  private final class Walk {
    final Entries entries = new Entries(invoke, complete);
    final long[] zobrist1 = randoms(1);
    final long[] zobrist2 = randoms(2);
    final Set<Key<S>> cache = new HashSet<>();
    final Deque<Frame<S>> stack = new ArrayDeque<>();
    S state;
    long h1;
    long h2;
    int entry;
    long steps;
    Result<S> stuck;

    Walk(S initial) {
      state = initial;
      entry = entries.first();
    }

    /** At a call: linearize its operation now if the model allows it and the configuration is new. */
    void tryCall() {
      int op = entries.op(entry);
      S next = step.apply(state, op);
      if (next != null && cache.add(new Key<>(h1 ^ zobrist1[op], h2 ^ zobrist2[op], next))) {
        stack.push(new Frame<>(entry, state));
        state = next;
        flip(op);
        entries.lift(entry);
        entry = entries.first();
      } else {
        entry = entries.next(entry);
      }
    }

    /** At the return of an operation not yet linearized: undo the last choice; false when none is left. */
    boolean backtrack() {
      if (stuck == null || stack.size() > stuck.linearized()) {
        stuck = new Result<>(Verdict.NOT_LINEARIZABLE, entries.op(entry), stack.size(), state, 0);
      }
      if (stack.isEmpty()) {
        stuck = new Result<>(Verdict.NOT_LINEARIZABLE, stuck.stuckAt(), stuck.linearized(), stuck.statesThere(),
            steps);
        return false;
      }
      Frame<S> frame = stack.pop();
      state = frame.state();
      flip(entries.op(frame.entry()));
      entries.unlift(frame.entry());
      entry = entries.next(frame.entry());
      return true;
    }

    private void flip(int op) {
      h1 ^= zobrist1[op];
      h2 ^= zobrist2[op];
    }
  }

  private long[] randoms(long salt) {
    SplittableRandom random = new SplittableRandom(0x5EED_0000L + salt);
    long[] values = new long[invoke.length];
    Arrays.setAll(values, i -> random.nextLong());
    return values;
  }

  private record Frame<S>(int entry, S state) { }

  private record Key<S>(long h1, long h2, S state) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key<?> k && k.h1 == h1 && k.h2 == h2 && Objects.equals(k.state, state);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(h1) * 31 + Objects.hashCode(state);
    }
  }
}
