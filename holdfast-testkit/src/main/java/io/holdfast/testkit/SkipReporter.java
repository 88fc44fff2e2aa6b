package io.holdfast.testkit;

import java.io.PrintStream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints one line per skipped test, with its reason, to the build output: {@code SKIPPED <test>: <reason>}.
 * Surefire and failsafe count a skipped test but keep its reason in their report files, so a test that an
 * assumption skipped (an old Redis without a feature, a missing binary) would otherwise pass silently.
 *
 * <p>Registered through {@code META-INF/services} for every module that tests with the test kit; the JUnit
 * launcher loads it on its own. Stateless, so safe however the launcher calls it.
 */
public final class SkipReporter implements TestExecutionListener {
  private final PrintStream out;

  /** The reporter the launcher creates: prints to standard output, which the build shows. */
  public SkipReporter() {
    this(System.out);
  }

  SkipReporter(PrintStream out) {
    this.out = out;
  }

  /**
   * Reports a test skipped before it ran ({@code @Disabled}, a failed execution condition).
   *
   * @param test the test or container
   * @param reason why, as JUnit gives it
   */
  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    report(test, reason);
  }

  /**
   * Reports a test that an assumption ended (aborted, which surefire counts as skipped).
   *
   * @param test the test or container
   * @param result how it ended
   */
  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      report(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted without a reason"));
    }
  }

  private void report(TestIdentifier test, String reason) {
    out.println("SKIPPED " + test.getLegacyReportingName() + " (" + test.getUniqueId() + "): " + reason);
    out.flush();
  }
}
