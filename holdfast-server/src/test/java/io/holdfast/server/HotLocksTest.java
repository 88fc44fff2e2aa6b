package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HotLocksTest {

  @Test
  void top_belowCapacity_exactCountsMostContendedFirstOwnTenantOnly() {
    HotLocks hot = new HotLocks(8);
    contend(hot, "a/x", 3);
    contend(hot, "a/y", 5);
    contend(hot, "b/z", 9);
    hot.waited("a/y", 2_000_000);
    hot.waited("a/y", 3_000_000);

    assertThat(hot.top("a", 10)).containsExactly(new HotLocks.Entry("a/y", 5, 0, 2, 5_000_000),
        new HotLocks.Entry("a/x", 3, 0, 0, 0));
    assertThat(hot.top("a", 1)).extracting(HotLocks.Entry::fullName).containsExactly("a/y");
    assertThat(hot.top("c", 10)).isEmpty();
  }

  @Test
  void contended_manyDistinctLocks_keepsCapacityAndTheHeavyHitters() {
    HotLocks hot = new HotLocks(4);
    for (int round = 0; round < 100; round++) {
      contend(hot, "t/hot-1", 3);
      contend(hot, "t/hot-2", 2);
      hot.contended("t/cold-" + round); // 100 distinct locks, each once
    }

    assertThat(hot.tracked()).isEqualTo(4);
    List<HotLocks.Entry> top = hot.top("t", 2);
    assertThat(top).extracting(HotLocks.Entry::fullName).containsExactly("t/hot-1", "t/hot-2");
    for (HotLocks.Entry entry : top) {
      long truth = entry.fullName().equals("t/hot-1") ? 300 : 200;
      assertThat(entry.contended()).isBetween(truth, truth + entry.overcount());
    }
  }

  @Test
  void waited_untrackedLock_isDropped() {
    HotLocks hot = new HotLocks(1);
    hot.contended("t/a");
    hot.waited("t/b", 1_000);

    assertThat(hot.top("t", 5)).containsExactly(new HotLocks.Entry("t/a", 1, 0, 0, 0));
  }

  private static void contend(HotLocks hot, String name, int times) {
    for (int i = 0; i < times; i++) {
      hot.contended(name);
    }
  }
}
