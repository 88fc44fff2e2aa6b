package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseOverlapCheckerTest {
  private final LeaseOverlapChecker checker = new LeaseOverlapChecker(Duration.ofSeconds(1));

  @Test
  void beliefEndingBeforeTheNextGrant_isNoOverlap() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1, 990)
        .write("c1w0", "L", "a", 1, 500, 501, true, 990)
        .grant("c2w0", "L", "b", 2, 100, 1_001, 2_000)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.counted()).isFalse();
    assertThat(result.summary()).startsWith("0 overlapping holds");
  }

  @Test
  void beliefPastTheNextGrantWithoutAFault_isAnUnexplainedOverlap() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1, 990)
        .write("c1w0", "L", "a", 1, 900, 901, true, 5_000)
        .grant("c2w0", "L", "b", 2, 100, 1_001, 2_000)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isEqualTo(1);
    assertThat(result.summary()).contains("largest 3999.0 ms");
    assertThat(result.counterexample().get(0)).contains("token 1 still believed its lease valid");
  }

  @Test
  void releaseEndsTheBelief() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1, 990)
        .release("c1w0", "L", "a", 1, 10, 11)
        .grant("c2w0", "L", "b", 2, 5, 12, 1_000)
        .build();

    assertThat(checker.check(history).summary()).startsWith("0 overlapping holds");
  }

  @Test
  void overlapAroundDataLoss_isExplained() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1, 990)
        .fault(FaultKind.REDIS_WIPE, "redis", 200, 400)
        .grant("c2w0", "L", "b", 2, 100, 450, 1_400)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.summary()).startsWith("1 overlapping holds (1 explained");
  }

  @Test
  void overlapAfterAFailover_isExplainedByFailover_andCountedByKind() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1, 4_900)
        .fault(FaultKind.FAILOVER, "redis", 200, 3_500)
        .grant("c2w0", "L", "b", 2, 2_800, 3_000, 8_000)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.summary()).contains("1 explained by faults that lose leases: failover 1, largest 1900.0 ms");
  }

  @Test
  void overlapLongAfterAFailover_isUnexplained() {
    History history = new HistoryBuilder()
        .fault(FaultKind.FAILOVER, "redis", 200, 3_500)
        .grant("c1w0", "L", "a", 1, 6_000, 6_001, 8_000)
        .grant("c2w0", "L", "b", 2, 6_500, 7_000, 9_000)
        .build();

    assertThat(checker.check(history).violations()).isEqualTo(1);
  }
}
