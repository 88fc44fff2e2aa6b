package io.holdfast.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.BrokenBackend.Defect;
import io.holdfast.testkit.contract.ContractSuiteSelfTest.LaunchedBySelfTest;
import io.holdfast.testkit.contract.ContractSuiteSelfTest.OnBroken;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.TestExecutionResult;

/**
 * Tests the election contract suite itself, as {@link ContractSuiteSelfTest} does the lock's: on a backend whose
 * tokens repeat, the terms test must fail; on one whose leases never expire, the expiry test must; and the same tests
 * must pass on the backend without the defect.
 */
class ElectionSuiteSelfTest {
  static Stream<Arguments> defects() {
    return Stream.of(
        arguments(Defect.REUSES_TOKENS, Map.of(
            "campaigns_manyCandidatesOverClients_atMostOneLeaderAtATimeAndTermsStrictlyIncrease", "term")),
        arguments(Defect.NEVER_EXPIRES, Map.of(
            "leadership_leaseExpiresWithoutRenewal_lostOnceAsExpiredBeforeTheNextLeaderIsElected",
            "still led by another candidate")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defects")
  void electionSuite_backendWithDefect_failsTheTestsAimedAtIt(Defect defect, Map<String, String> failures) {
    Map<String, TestExecutionResult> correct = ContractSuiteSelfTest.run(OnBrokenBackend.class, Defect.NONE,
        failures.keySet());
    Map<String, TestExecutionResult> broken = ContractSuiteSelfTest.run(OnBrokenBackend.class, defect,
        failures.keySet());

    assertThat(correct).as("the same tests on the backend without the defect").containsOnlyKeys(failures.keySet())
        .allSatisfy((test, result) -> assertThat(result.getStatus()).as("%s: %s", test, result)
            .isEqualTo(TestExecutionResult.Status.SUCCESSFUL));
    assertThat(broken).as("the election tests on a backend that %s", defect).containsOnlyKeys(failures.keySet())
        .allSatisfy((test, result) -> assertThat(result.getThrowable()).as("%s: %s", test, result)
            .hasValueSatisfying(thrown -> assertThat(thrown).hasMessageContaining(failures.get(test))));
  }

  /** The election suite on a broken backend; enabled only when this self-test launches it. */
  @ExtendWith(LaunchedBySelfTest.class)
  static class OnBrokenBackend extends ElectionContractTest implements OnBroken {
    private Defect defect;

    @Override
    public void defect(Defect value) {
      defect = value;
    }

    @Override
    protected HoldfastOptions.Builder options() {
      return HoldfastOptions.builder().backend(defect.uri());
    }
  }
}
