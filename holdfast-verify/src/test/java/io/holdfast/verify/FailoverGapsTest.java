package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailoverGapsTest {

  @Test
  void gap_isTheSlowestLocksFirstGrantInvokedAfterTheKill() {
    History history = new HistoryBuilder()
        .grant("c1w0", "A", "a", 1, 900, 950)
        .fault(FaultKind.FAILOVER, "redis", 1_000, 4_000)
        .grant("c1w0", "A", "a", 2, 1_100, 3_200)
        .grant("c2w0", "B", "b", 3, 1_200, 1_300)
        .grant("c2w0", "B", "b", 4, 1_400, 1_500)
        .build();

    assertThat(FailoverGaps.gap(history.byLock(), HistoryBuilder.ms(1_000))).isEqualTo(HistoryBuilder.ms(2_200));
    assertThat(FailoverGaps.describe(history)).contains("every lock granted again 2200 ms (p50), 2200 ms (max)")
        .contains("over 1 injected failovers");
  }

  @Test
  void describe_withoutFailovers_isEmpty() {
    History history = new HistoryBuilder()
        .fault(FaultKind.REDIS_WIPE, "redis", 1_000, 2_000)
        .grant("c1w0", "A", "a", 1, 2_100, 2_200)
        .build();

    assertThat(FailoverGaps.describe(history)).isEmpty();
  }

  @Test
  void describe_namesUnplannedFailovers_withoutTakingThemAsKills() {
    History history = new HistoryBuilder()
        .fault(FaultKind.FAILOVER, "unplanned", 1_000, 1_200)
        .grant("c1w0", "A", "a", 1, 1_100, 2_200)
        .build();

    assertThat(FailoverGaps.describe(history)).contains("1 of them unplanned").doesNotContain("granted again");
  }
}
