package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code holdfast verify --primitive rwlock|semaphore}: the library's read/write lock and semaphore in client JVMs on
 * a real redis-server under client pauses must come back clean from C1, C2 and their C3 (no writer overlapping
 * another holder; at most 2 permit holders), and each negative control (writers taking the read side; a handle that
 * admits far more than 2) must be caught by C3 in the same run configuration.
 */
@Timeout(180)
class PrimitivesVerifyIT {
  private static final Duration TTL = Duration.ofMillis(300);

  private static Report underPauses(Workload workload) throws InterruptedException {
    return Runs.run(Runs.config("primitive-pauses-" + workload.lock(), Duration.ofSeconds(6), 2, 42,
        Set.of(FaultKind.CLIENT_PAUSE), workload.withLongHolds(0.5), Duration.ofSeconds(1)));
  }

  private static void assertClean(Report report) {
    assertThat(report.acquisitions()).as("holds").isGreaterThan(50);
    assertThat(report.results()).extracting(CheckResult::id).containsExactly("C1", "C2", "C3");
    for (CheckResult result : report.results()) {
      assertThat(result.violations()).as(result.id() + ": " + String.join("\n", result.counterexample())).isZero();
    }
  }

  @Test
  void readWriteLock_underClientPauses_everyCheckerZero() throws InterruptedException {
    Report report = underPauses(Workload.standard(TTL, 3, 4).asReadWrite());

    assertClean(report);
    assertThat(report.lock()).contains("read/write lock (a quarter");
  }

  @Test
  void writersTakingTheReadSide_isCaughtByC3() throws InterruptedException {
    Report report = underPauses(Workload.standard(TTL, 3, 4).withLock(Workload.RWLOCK_WRITERS_READ));

    assertThat(Runs.result(report, "C3").violations()).as("writers overlapping other holders").isPositive();
    assertThat(report.violations()).isPositive();
  }

  @Test
  void semaphore_underClientPauses_everyCheckerZero() throws InterruptedException {
    Report report = underPauses(Workload.standard(TTL, 3, 4).asSemaphore());

    assertClean(report);
    assertThat(report.lock()).contains("semaphore of 2 permits");
  }

  @Test
  void semaphoreAdmittingMore_isCaughtByC3() throws InterruptedException {
    Report report = underPauses(Workload.standard(TTL, 3, 4).withLock(Workload.SEMAPHORE_IGNORES_PERMITS));

    assertThat(Runs.result(report, "C3").violations()).as("more than 2 permit holders at once").isPositive();
    assertThat(report.violations()).isPositive();
  }
}
