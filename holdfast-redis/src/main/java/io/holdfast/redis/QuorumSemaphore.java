package io.holdfast.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * One semaphore acquire over independent masters: the permits are numbered slots 0..N-1 and each slot is a Redlock
 * mutex (semaphore_slot_acquire.lua), tried through the one coordinator ({@link Redlock}).
 *
 * <p>Why numbered slots: a majority vote over N-permit tables does not bound the holders (3 masters, N = 2: A held
 * on masters {1,2}, B on {2,3}, C on {1,3}, every table with 2 holders, 3 owners holding). A permit here is
 * instead slot s granted by a majority, every vote for the same s: a master grants slot s only while it has no
 * live holder there, so two owners never hold one slot on two majorities (those share a master), and at most N
 * owners hold at once whatever the tables look like. A master also grants only while fewer than N owners hold
 * there, so lowering N lets nobody in until fewer hold, as on one master; it takes no permit back (a holder of a
 * slot at or above the new N keeps it until release or expiry; new grants take slots below N only).
 *
 * <p>Re-entry is only in the owner's own slot: a master where the owner holds slot s' refuses every other slot
 * and reports s', so the owner's votes always agree on one slot, and the next try asks for s'.
 *
 * <p>The first try asks a random slot, so concurrent acquirers rarely collide. A busy try (every hold of it undone
 * by the coordinator) reports, per master, the taken slots; the next try asks a slot that a majority of ALL masters
 * reported free (random among them), at most {@link #RETRIES} more times within one call; otherwise the busy
 * outcome of the last try is the answer, with the coordinator's remaining time.
 *
 * <p>Safe: each call builds its own state; per-master replies are kept in an atomic array written before the
 * coordinator sees them.
 */
final class QuorumSemaphore {
  static final int RETRIES = 2;

  /** What one master said about slots in a try: null if it did not answer or granted. */
  private record Slots(int mine, Set<Integer> taken) { }

  private final int permits;
  private final IntFunction<List<Redlock.Master>> voters;
  private final Function<List<Redlock.Master>, CompletableFuture<Redlock.Outcome>> coordinator;

  private QuorumSemaphore(int permits, IntFunction<List<Redlock.Master>> voters,
      Function<List<Redlock.Master>, CompletableFuture<Redlock.Outcome>> coordinator) {
    this.permits = permits;
    this.voters = voters;
    this.coordinator = coordinator;
  }

  /**
   * Runs tries until one is granted, none is left, or no slot is free on a majority.
   *
   * @param permits the caller's number of permits
   * @param voters the masters as the coordinator calls them for a try on one slot
   * @param coordinator runs one Redlock attempt over the voters
   * @return the last try's outcome
   */
  static CompletableFuture<Redlock.Outcome> acquire(int permits, IntFunction<List<Redlock.Master>> voters,
      Function<List<Redlock.Master>, CompletableFuture<Redlock.Outcome>> coordinator) {
    return new QuorumSemaphore(permits, voters, coordinator).attempt(ThreadLocalRandom.current().nextInt(permits),
        RETRIES);
  }

  private CompletableFuture<Redlock.Outcome> attempt(int slot, int retries) {
    List<Redlock.Master> masters = voters.apply(slot);
    AtomicReferenceArray<Slots> said = new AtomicReferenceArray<>(masters.size());
    List<Redlock.Master> recording = new ArrayList<>(masters.size());
    for (int i = 0; i < masters.size(); i++) {
      recording.add(recording(masters.get(i), said, i));
    }
    return coordinator.apply(recording).thenCompose(outcome -> {
      if (!(outcome instanceof Redlock.Busy) || retries == 0) {
        return CompletableFuture.completedFuture(outcome);
      }
      int next = next(said, slot);
      return next < 0 ? CompletableFuture.completedFuture(outcome) : attempt(next, retries - 1);
    });
  }

  /**
   * The slot to try next: the owner's own slot where masters report one, else one free on a majority of ALL
   * masters (a master that granted or did not answer says nothing about other slots); -1 if none.
   */
  private int next(AtomicReferenceArray<Slots> said, int tried) {
    int n = said.length();
    Map<Integer, Integer> mine = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Slots slots = said.get(i);
      if (slots != null && slots.mine() >= 0) {
        mine.merge(slots.mine(), 1, Integer::sum);
      }
    }
    if (!mine.isEmpty()) {
      int own = mine.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      return own != tried ? own : -1;
    }
    List<Integer> free = new ArrayList<>();
    int majority = QuorumTally.majority(n);
    for (int slot = 0; slot < permits; slot++) {
      int votes = 0;
      for (int i = 0; i < n; i++) {
        Slots slots = said.get(i);
        votes += slots != null && slots.taken().size() < permits && !slots.taken().contains(slot) ? 1 : 0;
      }
      if (votes >= majority && slot != tried) {
        free.add(slot);
      }
    }
    return free.isEmpty() ? -1 : free.get(ThreadLocalRandom.current().nextInt(free.size()));
  }

  /* Keeps a busy reply's slots and hands the coordinator the plain busy shape {0, pttl}. */
  private static Redlock.Master recording(Redlock.Master master, AtomicReferenceArray<Slots> said, int index) {
    return new Redlock.Master() {
      @Override
      public CompletableFuture<List<Object>> acquire(long attemptId) {
        return master.acquire(attemptId).thenApply(reply -> {
          if (reply.size() < 3 || !Long.valueOf(0).equals(reply.get(0))) {
            return reply;
          }
          Set<Integer> taken = new HashSet<>();
          for (Object slot : reply.subList(3, reply.size())) {
            taken.add(((Long) slot).intValue());
          }
          said.set(index, new Slots(((Long) reply.get(2)).intValue(), taken));
          return reply.subList(0, 2);
        });
      }

      @Override
      public CompletableFuture<Long> adopt(long attemptId, long token, int holds) {
        return master.adopt(attemptId, token, holds);
      }

      @Override
      public CompletableFuture<Long> undo(long attemptId) {
        return master.undo(attemptId);
      }

      @Override
      public String address() {
        return master.address();
      }
    };
  }
}
