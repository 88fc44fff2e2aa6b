package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The semaphore's slot choice on independent masters, on hand-made replies: which slot a busy try leads to, and
 * when the call gives up. The coordinator here grants a try when a majority of the masters grant its slot.
 */
class QuorumSemaphoreTest {
  private static final Redlock.Busy BUSY = new Redlock.Busy(Duration.ofMillis(300), false);

  /** Three masters; each answers a slot with the reply the function gives for (master, slot). */
  private static List<Integer> run(int permits, Replies replies, List<Redlock.Outcome> outcomes) {
    List<Integer> tried = new ArrayList<>();
    IntFunction<List<Redlock.Master>> voters = slot -> {
      tried.add(slot);
      List<Redlock.Master> masters = new ArrayList<>();
      for (int m = 0; m < 3; m++) {
        masters.add(master(replies.of(m, slot)));
      }
      return masters;
    };
    outcomes.add(QuorumSemaphore.acquire(permits, voters, masters -> {
      int granted = 0;
      for (Redlock.Master master : masters) {
        granted += Long.valueOf(1).equals(master.acquire(1).join().get(0)) ? 1 : 0;
      }
      return CompletableFuture.completedFuture(granted >= 2 ? new Redlock.Granted(7, 1) : BUSY);
    }).join());
    return tried;
  }

  private interface Replies {
    List<Object> of(int master, int slot);
  }

  private static List<Object> busy(long mine, long... taken) {
    List<Object> reply = new ArrayList<>(List.of(0L, 300L, mine));
    for (long slot : taken) {
      reply.add(slot);
    }
    return reply;
  }

  private static Redlock.Master master(List<Object> reply) {
    return new Redlock.Master() {
      @Override
      public CompletableFuture<List<Object>> acquire(long attemptId) {
        return CompletableFuture.completedFuture(reply);
      }

      @Override
      public CompletableFuture<Long> adopt(long attemptId, long token, int holds) {
        return CompletableFuture.completedFuture(1L);
      }

      @Override
      public CompletableFuture<Long> undo(long attemptId) {
        return CompletableFuture.completedFuture(0L);
      }

      @Override
      public String address() {
        return "m";
      }
    };
  }

  @RepeatedTest(20)
  void busySlot_nextTryIsASlotFreeOnAMajority() {
    // Slots 0 and 1 of 3 are taken everywhere; only slot 2 is free.
    List<Redlock.Outcome> outcomes = new ArrayList<>();
    List<Integer> tried = run(3, (m, slot) -> slot == 2 ? List.of(1L, 5L, 1L, 1L) : busy(-1, 0, 1), outcomes);
    assertThat(tried.get(tried.size() - 1)).isEqualTo(2);
    assertThat(tried).hasSizeLessThanOrEqualTo(2);
    assertThat(outcomes).containsExactly(new Redlock.Granted(7, 1));
  }

  @RepeatedTest(20)
  void ownerHoldsAnotherSlot_nextTryIsItsOwnSlot() {
    List<Redlock.Outcome> outcomes = new ArrayList<>();
    List<Integer> tried = run(4, (m, slot) -> slot == 3 ? List.of(1L, 5L, 2L, 0L) : busy(3, 3), outcomes);
    assertThat(tried.get(tried.size() - 1)).isEqualTo(3);
    assertThat(outcomes).containsExactly(new Redlock.Granted(7, 1));
  }

  @Test
  void noSlotFreeOnAMajority_busyAfterOneTry() {
    // Master 0 has slot 0 taken, master 1 is full (2 holders of 2), master 2 has slot 1 taken: slot 1 is free on
    // master 0 only and slot 0 on master 2 only, so neither on a majority.
    List<Redlock.Outcome> outcomes = new ArrayList<>();
    Replies replies = (m, slot) -> m == 0 ? busy(-1, 0) : m == 1 ? busy(-1, 0, 1) : busy(-1, 1);
    List<Integer> tried = run(2, replies, outcomes);
    assertThat(outcomes).containsExactly(BUSY);
    assertThat(tried).hasSize(1);
  }

  @Test
  void slotsAlwaysBusy_givesUpAfterTheRetries() {
    List<Redlock.Outcome> outcomes = new ArrayList<>();
    // Every master reports only the tried slot taken, so another always looks free: the call stops after 3 tries.
    List<Integer> tried = run(8, (m, slot) -> busy(-1, slot), outcomes);
    assertThat(tried).hasSize(1 + QuorumSemaphore.RETRIES);
    assertThat(outcomes).containsExactly(BUSY);
  }
}
