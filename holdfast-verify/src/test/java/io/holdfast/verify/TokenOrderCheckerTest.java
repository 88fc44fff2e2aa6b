package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenOrderCheckerTest {
  private final TokenOrderChecker checker = new TokenOrderChecker();

  @Test
  void increasingTokensInRealTimeOrder_noViolation() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1)
        .grant("c1w0", "L", "b", 2, 2, 3)
        .grant("c2w0", "M", "c", 1, 0, 1)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.summary()).contains("3 grants over 2 locks");
  }

  @Test
  void tokenGrantedTwice_isAViolation() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 7, 0, 1)
        .grant("c2w0", "L", "b", 7, 5, 6)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isGreaterThanOrEqualTo(1);
    assertThat(result.counterexample().get(0)).contains("token 7 of L granted twice");
  }

  @Test
  void laterGrantWithSmallerToken_isAViolation() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 9, 0, 1)
        .grant("c2w0", "L", "b", 8, 2, 3)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isEqualTo(1);
    assertThat(result.counterexample().get(0)).contains("token 8 began after a grant with token 9");
  }

  @Test
  void concurrentGrantsMayBeInEitherOrder() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 9, 0, 3)
        .grant("c2w0", "L", "b", 8, 2, 4)
        .build();

    assertThat(checker.check(history).violations()).isZero();
  }
}
