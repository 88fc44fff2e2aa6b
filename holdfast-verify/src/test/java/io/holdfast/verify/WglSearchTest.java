package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The search alone, on a register that only accepts increments of one (a sequence check). */
class WglSearchTest {

  /** Operation i writes value[i], which must be the current value + 1. */
  private static WglSearch.Result<Integer> search(long[] invoke, long[] complete, int[] value) {
    WglSearch<Integer> search = new WglSearch<>(invoke, complete,
        (state, i) -> value[i] == state + 1 ? Integer.valueOf(value[i]) : null, 1_000_000);
    return search.run(0);
  }

  @Test
  void concurrentOperationsAreReordered() {
    WglSearch.Result<Integer> result = search(new long[] {0, 0, 0}, new long[] {10, 10, 10}, new int[] {3, 1, 2});

    assertThat(result.verdict()).isEqualTo(WglSearch.Verdict.LINEARIZABLE);
    assertThat(result.statesThere()).isEqualTo(3);
  }

  @Test
  void realTimeOrderIsRespected() {
    WglSearch.Result<Integer> result = search(new long[] {0, 20}, new long[] {10, 30}, new int[] {2, 1});

    assertThat(result.verdict()).isEqualTo(WglSearch.Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void operationsThatTouch_areConcurrent() {
    WglSearch.Result<Integer> result = search(new long[] {0, 10}, new long[] {10, 20}, new int[] {2, 1});

    assertThat(result.verdict()).isEqualTo(WglSearch.Verdict.LINEARIZABLE);
  }

  @Test
  void unknownOutcomesMayTakeEffectAtTheEnd() {
    long never = Long.MAX_VALUE;
    WglSearch.Result<Integer> result = search(new long[] {0, 5, 20}, new long[] {never, 10, 30},
        new int[] {2, 1, 3});

    assertThat(result.verdict()).isEqualTo(WglSearch.Verdict.LINEARIZABLE);
  }

  @Test
  void longSequentialHistory_isCheckedInLinearSteps() {
    int n = 100_000;
    long[] invoke = new long[n];
    long[] complete = new long[n];
    int[] value = new int[n];
    for (int i = 0; i < n; i++) {
      invoke[i] = 10L * i;
      complete[i] = 10L * i + 15;
      value[i] = i + 1;
    }

    WglSearch.Result<Integer> result = search(invoke, complete, value);

    assertThat(result.verdict()).isEqualTo(WglSearch.Verdict.LINEARIZABLE);
    assertThat(result.steps()).isLessThan(5L * n);
  }
}
