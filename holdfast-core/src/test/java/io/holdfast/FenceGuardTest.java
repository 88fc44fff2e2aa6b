package io.holdfast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The resource side of fencing: a lower token is refused and its write never runs; equal and higher pass. */
class FenceGuardTest {
  private final FenceGuard guard = new FenceGuard();

  @Test
  void apply_tokenBelowTheHighestAccepted_isRefusedAndTheWriteDoesNotRun() {
    AtomicInteger writes = new AtomicInteger();
    assertThat(guard.apply(new FencingToken(7), writes::incrementAndGet)).isTrue();
    assertThat(guard.apply(new FencingToken(6), writes::incrementAndGet)).isFalse();
    assertThat(writes).hasValue(1);
    assertThat(guard.refused()).isEqualTo(1);
    assertThat(guard.highest()).contains(new FencingToken(7));
  }

  @Test
  void apply_sameTokenAgain_isTheSameGrantWritingAgainAndAccepted() {
    assertThat(guard.admit(new FencingToken(5))).isTrue();
    assertThat(guard.admit(new FencingToken(5))).isTrue();
    assertThat(guard.admit(new FencingToken(9))).isTrue();
    assertThat(guard.admit(new FencingToken(5))).isFalse();
  }

  @Test
  void highest_beforeAnyAcceptedToken_isEmpty() {
    assertThat(guard.highest()).isEmpty();
    assertThat(guard.refused()).isZero();
  }

  @Test
  void apply_manyWritersAtOnce_neverAppliesATokenBelowOneAlreadyApplied() throws Exception {
    List<Long> applied = new ArrayList<>(); // written only inside apply, under the guard
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      int writer = w;
      writers.add(pool.submit(() -> {
        start.await();
        for (long token = 1 + writer; token <= 4_000; token += 8) {
          long mine = token;
          guard.apply(new FencingToken(mine), () -> applied.add(mine));
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> writer : writers) {
      writer.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(applied).isSortedAccordingTo(Long::compare).isNotEmpty();
    assertThat(applied.size() + guard.refused()).isEqualTo(4_000);
  }
}
