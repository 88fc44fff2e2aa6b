package io.holdfast.fence;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.FenceGuard;
import io.holdfast.FencingToken;
import io.holdfast.Holdfast;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-process guard (holdfast-core) in the scenario the Redis and SQL guards are tested with. */
class FenceGuardPausedHolderTest {

  @Test
  void apply_pausedHolderWritesAfterNewerHolder_refusedAndValueKept() {
    Map<String, String> store = new HashMap<>();
    FenceGuard guard = new FenceGuard();
    try (Holdfast locks = Holdfast.connect("embedded:fence-guard-test");
        PausedHolder run = PausedHolder.replay(locks, "cache/rebuild")) {
      FencingToken newer = run.newer().fencingToken();
      assertThat(guard.apply(newer, () -> store.put("k", "B"))).isTrue();

      assertThat(guard.apply(run.stale(), () -> store.put("k", "A"))).isFalse();
      assertThat(store).isEqualTo(Map.of("k", "B"));
      assertThat(guard.highest()).contains(newer);
      assertThat(guard.refused()).isEqualTo(1);
    }
  }
}
