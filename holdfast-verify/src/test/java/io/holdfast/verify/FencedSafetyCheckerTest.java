package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FencedSafetyCheckerTest {
  private final FencedSafetyChecker checker = new FencedSafetyChecker();

  @Test
  void increasingTokens_noViolation_andStaleRejectionsCounted() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 10, 0, 1)
        .write("c1w0", "L", "a", 10, 2, 3, true, 0)
        .grant("c2w0", "L", "b", 11, 1, 5)
        .write("c2w0", "L", "b", 11, 6, 7, true, 0)
        .write("c1w0", "L", "a", 10, 8, 9, false, 0)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.summary()).contains("2 writes accepted, 1 rejected as stale");
    assertThat(result.counted()).isTrue();
  }

  @Test
  void lowerTokenAcceptedAfterHigher_isAViolation() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 10, 0, 1)
        .grant("c2w0", "L", "b", 11, 2, 3)
        .write("c2w0", "L", "b", 11, 4, 5, true, 0)
        .write("c1w0", "L", "a", 10, 6, 7, true, 0)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isEqualTo(1);
    assertThat(result.counterexample().get(0)).contains("token 10 accepted after token 11");
  }

  @Test
  void sameTokenFromTwoOwners_isAViolation() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 10, 0, 1)
        .grant("c2w0", "L", "b", 10, 0, 2)
        .write("c1w0", "L", "a", 10, 3, 4, true, 0)
        .write("c2w0", "L", "b", 10, 5, 6, true, 0)
        .build();

    assertThat(checker.check(history).counterexample().get(0)).contains("two owners wrote with the same token");
  }

  @Test
  void tokenNeverGrantedToTheWriter_isAViolation() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 10, 0, 1)
        .write("c2w0", "L", "mallory", 10, 2, 3, true, 0)
        .write("c2w0", "L", "mallory", 99, 4, 5, true, 0)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isEqualTo(2);
    assertThat(result.counterexample().get(0)).contains("never granted to mallory");
  }

  @Test
  void decisionOrderComesFromRecordingOrder_notFromTimes() {
    // The second decision is stamped earlier (clock-mapping jitter) but was recorded, so decided, later.
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 10, 0, 1)
        .grant("c2w0", "L", "b", 11, 2, 3)
        .write("c2w0", "L", "b", 11, 4, 6, true, 0)
        .write("c1w0", "L", "a", 10, 4, 5, false, 0)
        .build();

    assertThat(checker.check(history).violations()).isZero();
  }
}
