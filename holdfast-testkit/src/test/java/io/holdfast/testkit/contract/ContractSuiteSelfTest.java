package io.holdfast.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.BrokenBackend.Defect;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Tests the lock contract suite itself: run against a deliberately wrong backend ({@link BrokenBackend}), the
 * contract tests aimed at its defect must fail, and run against the same backend without the defect they must
 * pass, so each failure comes from the defect and not from the wrapper. If the suite stops catching one of these
 * defects (a lower bound dropped, an equal token tolerated), this test fails.
 */
class ContractSuiteSelfTest {
  private static final String DEFECT = "holdfast.contract.selfTest.defect";

  /** Each defect, and the contract tests that must fail on it with (a fragment of) the message they fail with. */
  static Stream<Arguments> defects() {
    String lowerBound = "after the holder's acquire was sent";
    return Stream.of(
        arguments(Defect.EXPIRES_EARLY, Map.of(
            "expiry_holderStopsRenewing_otherClientAcquiresAfterTtl", lowerBound,
            "expiry_otherClientTryingThroughout_notGrantedBeforeTtlMinusDrift", lowerBound)),
        arguments(Defect.NEVER_EXPIRES, Map.of(
            "expiry_holderStopsRenewing_otherClientAcquiresAfterTtl", "still held by another owner")),
        arguments(Defect.REUSES_TOKENS, Map.of(
            "fencingTokens_acrossReleaseExpiryAndReentry_strictlyIncrease", "duplicate",
            "mutualExclusion_16ThreadsOver4Clients_counterExactAndTokensStrictlyIncrease",
            "token was not above every earlier one")),
        arguments(Defect.RELEASES_FOR_NON_OWNER, Map.of(
            "release_afterExpiryAndTakeover_failsWithLeaseLostAndChangesNothing",
            "Expecting code to raise a throwable")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defects")
  void contractSuite_backendWithDefect_failsTheTestsAimedAtIt(Defect defect, Map<String, String> failures) {
    Map<String, TestExecutionResult> correct = run(Defect.NONE, failures.keySet());
    Map<String, TestExecutionResult> broken = run(defect, failures.keySet());

    assertThat(correct).as("the same tests on the backend without the defect").containsOnlyKeys(failures.keySet())
        .allSatisfy((test, result) -> assertThat(result.getStatus()).as("%s: %s", test, result)
            .isEqualTo(TestExecutionResult.Status.SUCCESSFUL));
    assertThat(broken).as("the contract tests on a backend that %s", defect).containsOnlyKeys(failures.keySet())
        .allSatisfy((test, result) -> assertThat(result.getThrowable()).as("%s: %s", test, result)
            .hasValueSatisfying(thrown -> assertThat(thrown).hasMessageContaining(failures.get(test))));
  }

  /** Runs the named contract tests against the backend with {@code defect}; the result of each that ran. */
  private static Map<String, TestExecutionResult> run(Defect defect, Set<String> tests) {
    return run(OnBrokenBackend.class, defect, tests);
  }

  /**
   * Runs the named tests of {@code suite} (a contract suite subclass on a broken backend, launched by this
   * self-test) against the backend with {@code defect}; the result of each that ran.
   */
  static Map<String, TestExecutionResult> run(Class<? extends OnBroken> suite, Defect defect, Set<String> tests) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(tests.stream().map(test -> selectMethod(suite, test)).toList())
        .configurationParameter(DEFECT, defect.name())
        .build();
    Map<String, TestExecutionResult> outcomes = new TreeMap<>();
    LauncherFactory.create().execute(request, new TestExecutionListener() {
      @Override
      public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        test.getSource().filter(org.junit.platform.engine.support.descriptor.MethodSource.class::isInstance)
            .map(org.junit.platform.engine.support.descriptor.MethodSource.class::cast)
            .ifPresent(method -> outcomes.put(method.getMethodName(), result));
      }
    });
    return outcomes;
  }

  /** A contract suite on a broken backend, told its defect by {@link LaunchedBySelfTest}. */
  interface OnBroken {
    void defect(Defect defect);
  }

  /** The whole contract suite on a broken backend; enabled only when this self-test launches it. */
  @ExtendWith(LaunchedBySelfTest.class)
  static class OnBrokenBackend extends LockConcurrencyContractTest implements OnBroken {
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

  /** Enables a suite on a broken backend and hands it its defect, from the self-test's configuration parameter. */
  static final class LaunchedBySelfTest implements ExecutionCondition, TestInstancePostProcessor {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return defect(context).isPresent() ? ConditionEvaluationResult.enabled("launched by ContractSuiteSelfTest")
          : ConditionEvaluationResult.disabled("runs only inside ContractSuiteSelfTest");
    }

    @Override
    public void postProcessTestInstance(Object instance, ExtensionContext context) {
      ((OnBroken) instance).defect(Defect.valueOf(defect(context).orElseThrow()));
    }

    private static Optional<String> defect(ExtensionContext context) {
      return context.getConfigurationParameter(DEFECT);
    }
  }
}
