package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FairVerifyTest {
  private static VerifyCommand parsed(String... args) {
    VerifyCommand command = new VerifyCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void primitiveOption_fair_makesTheFairWorkloadAndItsControl() {
    assertThat(parsed("--primitive", "fair").config().workload().lock()).isEqualTo(Workload.FAIR);
    assertThat(parsed("--primitive", "fair", "--lock", "fair-barging").config().workload().lock())
        .isEqualTo(Workload.FAIR_BARGING);
    Workload fair = parsed("--primitive", "fair").config().workload();
    Map<String, String> args = fair.toArgs().stream()
        .collect(Collectors.toMap(a -> a.substring(0, a.indexOf('=')), a -> a.substring(a.indexOf('=') + 1)));
    assertThat(Workload.fromArgs(args)).as("the trip to a client JVM").isEqualTo(fair);
  }

  @Test
  void primitiveOption_fairWhereItCannotBeChecked_refused() {
    assertThatThrownBy(() -> parsed("--lock", "fair-barging").config()).hasMessageContaining("needs --primitive fair");
    assertThatThrownBy(() -> parsed("--primitive", "fair", "--lock", "tiny-reuses-tokens").config())
        .hasMessageContaining("not a negative control of the fair lock");
  }

  @Test
  void primitiveOption_fairOnIndependentMastersAndThroughTheService_accepted() {
    assertThat(parsed("--primitive", "fair", "--topology", "quorum").config().workload().isFair()).isTrue();
    assertThat(parsed("--primitive", "fair", "--target", "service").config().workload().isFair()).isTrue();
  }

  @Test
  void checkers_fair_theMutexSixAndFifo() {
    Workload fair = Workload.standard(Duration.ofMillis(500), 3, 4).asFair();
    assertThat(VerifyRun.checkers(fair, Duration.ZERO, Duration.ofSeconds(1), 1).stream()
        .map(Object::getClass).map(Class::getSimpleName))
        .containsExactly("FencedSafetyChecker", "TokenOrderChecker", "LeaseOverlapChecker",
            "LinearizabilityChecker", "StaleSuccessChecker", "LivenessChecker", "FifoChecker");
  }
}
