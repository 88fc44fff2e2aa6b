package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.verify.FencedMutexModel.Kind;
import io.holdfast.verify.FencedMutexModel.State;
import io.holdfast.verify.FencedMutexModel.Step;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FencedMutexModelTest {
  private final FencedMutexModel model = new FencedMutexModel(Duration.ofNanos(1_000), Duration.ZERO,
      List.of(new long[] {5_000, 6_000}));

  @Test
  void unknownAcquire_mayTakeEffectAtAnyLaterStep() {
    Set<State> pending = model.step(Set.of(State.initial()), new Step(Kind.ACQUIRE_UNKNOWN, "a", 0, 10, 10));

    assertThat(pending).singleElement().satisfies(s -> assertThat(s.pendingGrants()).isEqualTo(1));
    // Much later, a failed acquire is explained by the pending grant having fired.
    assertThat(model.step(pending, new Step(Kind.ACQUIRE_FAIL, "b", 0, 50_000, 50_100)))
        .singleElement().satisfies(s -> assertThat(s.owner()).isEqualTo(FencedMutexModel.ANONYMOUS));
  }

  @Test
  void unknownRelease_mayFreeTheLockAtAnyLaterStep() {
    Set<State> held = model.step(Set.of(State.initial()), new Step(Kind.ACQUIRE_OK, "a", 1, 0, 5));
    Set<State> releasable = model.step(held, new Step(Kind.RELEASE_UNKNOWN, "a", 1, 10, 10));

    assertThat(model.step(releasable, new Step(Kind.ACQUIRE_OK, "b", 2, 20, 30))).isNotEmpty();
    assertThat(model.step(held, new Step(Kind.ACQUIRE_OK, "b", 2, 20, 30))).isEmpty();
  }

  @Test
  void expiryIsPossibleOnlyFromTheEarliestExpiryOn() {
    Set<State> held = model.step(Set.of(State.initial()), new Step(Kind.ACQUIRE_OK, "a", 1, 0, 5));

    assertThat(model.step(held, new Step(Kind.ACQUIRE_OK, "b", 2, 100, 999))).isEmpty();
    assertThat(model.step(held, new Step(Kind.ACQUIRE_OK, "b", 2, 100, 1_000)))
        .singleElement().satisfies(s -> {
          assertThat(s.owner()).isEqualTo("b");
          assertThat(s.notBefore()).isEqualTo(1_000);
        });
  }

  @Test
  void aLeaseLossWindowEndsOnlyLeasesGrantedBeforeItsEnd() {
    Set<State> early = model.step(Set.of(State.initial()), new Step(Kind.ACQUIRE_OK, "a", 1, 4_000, 4_001));
    Set<State> late = model.step(Set.of(State.initial()), new Step(Kind.ACQUIRE_OK, "a", 1, 6_500, 6_501));

    assertThat(model.step(early, new Step(Kind.ACQUIRE_OK, "b", 2, 5_100, 5_200))).isNotEmpty();
    assertThat(model.step(late, new Step(Kind.ACQUIRE_OK, "b", 2, 6_600, 6_700))).isEmpty();
  }

  @Test
  void subsumedStatesAreDropped_soRepeatedCrashesDoNotGrowTheSet() {
    State free = new State(null, 0, 0, 0, false, 5, 0, 100);
    State laterFree = new State(null, 0, 0, 0, false, 5, 0, 200);
    State higherTokenFree = new State(null, 0, 0, 0, false, 6, 0, 50);
    State held = new State("a", 6, 40, 900, false, 6, 0, 50);

    assertThat(FencedMutexModel.withoutSubsumed(Set.of(free, laterFree, higherTokenFree, held)))
        .containsExactlyInAnyOrder(free, higherTokenFree, held);
  }
}
