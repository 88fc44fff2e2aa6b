package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import org.junit.jupiter.api.Test;

class FifoCheckerTest {
  private static final FifoChecker FIFO = new FifoChecker();

  /* a (ticket 10) and b (ticket 20) wait behind the holder h, each answered again at every attempt. */
  private static HistoryBuilder lineOfTwo() {
    return new HistoryBuilder()
        .grant("c0w0", "L", "h", 1, 0, 1)
        .event(10, "c1w0", Type.INVOKE, Op.ACQUIRE, "L", "a", 0, 0, "")
        .queued("c1", "L", "a", 10, 11, 12)
        .event(20, "c2w0", Type.INVOKE, Op.ACQUIRE, "L", "b", 0, 0, "")
        .queued("c2", "L", "b", 20, 21, 22)
        .release("c0w0", "L", "h", 1, 50, 51);
  }

  @Test
  void fifo_grantsInTicketOrder_noViolation() {
    History history = lineOfTwo()
        .event(60, "c1w0", Type.OK, Op.ACQUIRE, "L", "a", 2, 0, "")
        .queued("c2", "L", "b", 20, 61, 62)
        .release("c1w0", "L", "a", 2, 70, 71)
        .event(80, "c2w0", Type.OK, Op.ACQUIRE, "L", "b", 3, 0, "")
        .build();

    CheckResult result = FIFO.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.counted()).isTrue();
    assertThat(result.summary()).startsWith("0 of 3 grants passed a waiter in line (3 busy answers named 2 places)");
  }

  @Test
  void fifo_noBusyAnswerNamedAPlace_saysNotJudged() {
    History history = new HistoryBuilder()
        .grant("c0w0", "L", "h", 1, 0, 1)
        .release("c0w0", "L", "h", 1, 50, 51)
        .grant("c1w0", "L", "a", 2, 60, 61)
        .build();

    CheckResult result = FIFO.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.summary()).startsWith("not judged: no busy answer named a place");
  }

  @Test
  void fifo_laterTicketGrantedWhileTheEarlierStaysInLine_oneViolation() {
    History history = lineOfTwo()
        .event(60, "c2w0", Type.OK, Op.ACQUIRE, "L", "b", 2, 0, "")
        .queued("c1", "L", "a", 10, 61, 62)
        .build();

    CheckResult result = FIFO.check(history);

    assertThat(result.violations()).isEqualTo(1);
    assertThat(result.counterexample().get(0)).contains("had ticket 20").contains("the waiter's ticket 10");
  }

  @Test
  void fifo_earlierWaitersPlaceLapsedAndWasTakenAgain_noViolation() {
    History history = lineOfTwo()
        .event(60, "c2w0", Type.OK, Op.ACQUIRE, "L", "b", 2, 0, "")
        .queued("c1", "L", "a", 30, 61, 62)
        .build();

    assertThat(FIFO.check(history).violations()).isZero();
  }

  @Test
  void fifo_earlierWaiterAnsweredAgainByAnAttemptSentBeforeTheGrantCompleted_noViolation() {
    History history = lineOfTwo()
        .queued("c1", "L", "a", 10, 59, 61)
        .event(60, "c2w0", Type.OK, Op.ACQUIRE, "L", "b", 2, 0, "")
        .build();

    assertThat(FIFO.check(history).violations()).isZero();
  }

  @Test
  void fifo_newcomerGrantedAtOnceWhileSomeoneWaits_oneViolation() {
    History history = lineOfTwo()
        .grant("c3w0", "L", "n", 2, 55, 56)
        .queued("c1", "L", "a", 10, 57, 58)
        .build();

    CheckResult result = FIFO.check(history);

    assertThat(result.violations()).isEqualTo(1);
    assertThat(result.counterexample().get(0)).contains("never queued");
  }

  @Test
  void fifo_newcomerWhoseAcquireBeganBeforeTheWaiterWasAnswered_noViolation() {
    History history = new HistoryBuilder()
        .grant("c0w0", "L", "h", 1, 0, 1)
        .event(10, "c1w0", Type.INVOKE, Op.ACQUIRE, "L", "a", 0, 0, "")
        .event(11, "c3w0", Type.INVOKE, Op.ACQUIRE, "L", "n", 0, 0, "")
        .queued("c1", "L", "a", 10, 11, 12)
        .event(56, "c3w0", Type.OK, Op.ACQUIRE, "L", "n", 2, 0, "")
        .queued("c1", "L", "a", 10, 57, 58)
        .build();

    assertThat(FIFO.check(history).violations()).isZero();
  }

  @Test
  void fifo_passedDuringARedisWipe_excusedNotCounted() {
    History history = lineOfTwo()
        .fault(FaultKind.REDIS_WIPE, "redis", 30, 40)
        .event(60, "c2w0", Type.OK, Op.ACQUIRE, "L", "b", 2, 0, "")
        .queued("c1", "L", "a", 10, 61, 62)
        .build();

    CheckResult result = FIFO.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.summary()).endsWith("excused by faults that lose the line: redis-wipe 1");
  }

  @Test
  void fifo_otherLocksLine_noViolation() {
    History history = lineOfTwo()
        .grant("c3w0", "M", "n", 2, 55, 56)
        .queued("c1", "L", "a", 10, 57, 58)
        .build();

    assertThat(FIFO.check(history).violations()).isZero();
  }
}
