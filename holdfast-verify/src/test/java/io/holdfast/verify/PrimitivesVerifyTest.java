package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PrimitivesVerifyTest {
  private static VerifyCommand parsed(String... args) {
    VerifyCommand command = new VerifyCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void primitiveOption_rwlockAndSemaphore_makeTheirWorkloadsAndControls() {
    assertThat(parsed("--primitive", "rwlock").config().workload().lock()).isEqualTo(Workload.RWLOCK);
    assertThat(parsed("--primitive", "semaphore").config().workload().lock()).isEqualTo(Workload.SEMAPHORE);
    assertThat(parsed("--primitive", "rwlock", "--lock", "rwlock-writers-read").config().workload().lock())
        .isEqualTo(Workload.RWLOCK_WRITERS_READ);
    assertThat(parsed("--primitive", "semaphore", "--lock", "semaphore-ignores-permits").config().workload().lock())
        .isEqualTo(Workload.SEMAPHORE_IGNORES_PERMITS);
  }

  @Test
  void primitiveOption_controlOfAnotherPrimitive_refused() {
    assertThatThrownBy(() -> parsed("--primitive", "rwlock", "--lock", "semaphore-ignores-permits").config())
        .hasMessageContaining("not a negative control of the read/write lock");
    assertThatThrownBy(() -> parsed("--lock", "rwlock-writers-read").config())
        .hasMessageContaining("needs --primitive rwlock");
    assertThatThrownBy(() -> parsed("--primitive", "election", "--lock", "semaphore-ignores-permits").config())
        .hasMessageContaining("not of the election");
  }

  @Test
  void checkers_holderPrimitives_fencingTokensAndTheirOwnC3() {
    Workload rw = Workload.standard(Duration.ofMillis(500), 3, 4).asReadWrite();
    assertThat(VerifyRun.checkers(rw, Duration.ZERO, Duration.ofSeconds(1), 1).stream()
        .map(Object::getClass).map(Class::getSimpleName))
        .containsExactly("FencedSafetyChecker", "TokenOrderChecker", "HolderExclusionChecker");
    assertThat(VerifyRun.checkers(Workload.standard(Duration.ofMillis(500), 3, 4), Duration.ZERO,
        Duration.ofSeconds(1), 1)).hasSize(6);
  }
}
