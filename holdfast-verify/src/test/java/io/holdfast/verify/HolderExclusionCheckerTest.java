package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HolderExclusionCheckerTest {
  private static final HolderExclusionChecker READ_WRITE = new HolderExclusionChecker(Duration.ofSeconds(1), true);
  private static final HolderExclusionChecker SEMAPHORE = new HolderExclusionChecker(Duration.ofSeconds(1), false);

  /* "d" writes, "a", "b" and "c" read (HolderKinds.isWriter): the cases below rely on it. */
  @BeforeAll
  static void owners() {
    assertThat(HolderKinds.isWriter("d")).isTrue();
    assertThat(HolderKinds.isWriter("a") || HolderKinds.isWriter("b") || HolderKinds.isWriter("c")).isFalse();
    assertThat(HolderKinds.PERMITS).isEqualTo(2);
  }

  @Test
  void readWrite_readersOverlapping_noViolation() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1, 900)
        .grant("c2w0", "L", "b", 2, 10, 11, 900)
        .build();

    CheckResult result = READ_WRITE.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.counted()).isTrue();
    assertThat(result.summary()).startsWith("0 holds beyond the read/write exclusion");
  }

  @Test
  void readWrite_writerGrantedWhileAReaderStillRelies_oneUnexplainedViolation() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1, 900)
        .grant("c2w0", "L", "d", 2, 10, 11, 900)
        .build();

    CheckResult result = READ_WRITE.check(history);

    assertThat(result.violations()).isEqualTo(1);
    assertThat(result.counterexample().get(0)).startsWith("a write hold of token 2 began while 1 other hold(s)");
  }

  @Test
  void readWrite_readerReleasedBeforeTheWriterWasGranted_noViolation() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1, 900)
        .release("c1w0", "L", "a", 1, 5, 6)
        .grant("c2w0", "L", "d", 2, 3, 11, 900)
        .build();

    assertThat(READ_WRITE.check(history).violations()).isZero();
  }

  @Test
  void readWrite_overlapDuringARedisWipe_explainedNotCounted() {
    History history = new HistoryBuilder()
        .fault(FaultKind.REDIS_WIPE, "redis", 2, 5)
        .grant("c1w0", "L", "a", 1, 0, 1, 900)
        .grant("c2w0", "L", "d", 2, 10, 11, 900)
        .build();

    CheckResult result = READ_WRITE.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.summary()).startsWith("1 holds beyond the read/write exclusion (1 explained by faults that "
        + "lose leases: redis-wipe 1)");
  }

  @Test
  void semaphore_twoHoldersThenAThird_onlyTheThirdViolates() {
    History history = new HistoryBuilder()
        .grant("c1w0", "S", "a", 1, 0, 1, 900)
        .grant("c2w0", "S", "b", 2, 10, 11, 900)
        .grant("c3w0", "S", "c", 3, 20, 21, 900)
        .build();

    CheckResult result = SEMAPHORE.check(history);

    assertThat(result.violations()).isEqualTo(1);
    assertThat(result.title()).isEqualTo("at most 2 permit holders at once");
    assertThat(result.counterexample().get(0)).startsWith("a permit hold of token 3 began while 2 other hold(s)");
  }

  @Test
  void semaphore_aHolderWhoseBeliefEnded_isNotCounted() {
    History history = new HistoryBuilder()
        .grant("c1w0", "S", "a", 1, 0, 1, 15)
        .grant("c2w0", "S", "b", 2, 10, 11, 900)
        .grant("c3w0", "S", "c", 3, 20, 21, 900)
        .build();

    assertThat(SEMAPHORE.check(history).violations()).isZero();
  }
}
