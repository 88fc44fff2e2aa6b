package io.holdfast.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class SkipReporterTest {

  @Test
  void skippedOrAssumedAway_printsOneLineWithTheReason_passingTestPrintsNothing() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    SkipReporter reporter = new SkipReporter(new PrintStream(printed, true, StandardCharsets.UTF_8));

    // Only this reporter listens: the one registered for the build would print the fixture's skips as real ones.
    LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false).build())
        .execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(Fixture.class)).build(), reporter);

    assertThat(printed.toString(StandardCharsets.UTF_8).lines().toList()).satisfiesExactlyInAnyOrder(
        line -> assertThat(line).startsWith("SKIPPED assumed()").endsWith(": Assumption failed: needs Redis 7"),
        line -> assertThat(line).startsWith("SKIPPED disabled()").endsWith(": not on this machine"));
  }

  /** Run only by the test above. */
  static class Fixture {
    @Test
    void assumed() {
      Assumptions.assumeTrue(false, "needs Redis 7");
    }

    @Test
    @Disabled("not on this machine")
    void disabled() {
    }

    @Test
    void passes() {
    }
  }
}
