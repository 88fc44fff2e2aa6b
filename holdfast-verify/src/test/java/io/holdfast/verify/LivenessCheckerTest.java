package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LivenessCheckerTest {
  private final LivenessChecker checker =
      new LivenessChecker(Duration.ofSeconds(1), Duration.ZERO, Duration.ofMillis(500));

  private static HistoryBuilder holderKilledAt1000WithAWaiter() {
    return new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 10)
        .fault(FaultKind.CLIENT_KILL, "c1", 1_000, 1_001);
  }

  @Test
  void takeoverWithinTheBound_isMeasured() {
    History history = holderKilledAt1000WithAWaiter()
        .grant("c2w0", "L", "b", 2, 900, 1_800)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.summary()).contains("0 late of 1 judged").contains("p50 800 ms");
  }

  @Test
  void takeoverPastTheBound_isLate() {
    History history = holderKilledAt1000WithAWaiter()
        .grant("c2w0", "L", "b", 2, 900, 2_700)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isEqualTo(1);
    assertThat(result.counterexample().get(0)).contains("was not granted again within 1500 ms");
  }

  @Test
  void noWaiter_orAnotherFaultNearby_isNotJudged() {
    History noWaiter = holderKilledAt1000WithAWaiter()
        .grant("c2w0", "L", "b", 2, 2_500, 2_700)
        .build();
    History redisPausedToo = holderKilledAt1000WithAWaiter()
        .fault(FaultKind.REDIS_PAUSE, "redis", 1_200, 2_000)
        .grant("c2w0", "L", "b", 2, 900, 2_700)
        .build();

    assertThat(checker.check(noWaiter).summary()).contains("0 late of 0 judged");
    assertThat(checker.check(redisPausedToo).summary()).contains("0 late of 0 judged");
  }

  @Test
  void anEarlierTimedOutAcquire_isNoWaiter() {
    History history = holderKilledAt1000WithAWaiter()
        .acquireUnknown("c2w1", "L", "x", 500, 600)
        .grant("c2w0", "L", "b", 2, 2_500, 2_700)
        .build();

    assertThat(checker.check(history).summary()).contains("0 late of 0 judged");
  }

  @Test
  void aReleasedLock_isNotHeldByTheDeadClient() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 10)
        .release("c1w0", "L", "a", 1, 20, 21)
        .fault(FaultKind.CLIENT_PAUSE, "c1", 1_000, 3_000)
        .grant("c2w0", "L", "b", 2, 900, 2_900)
        .build();

    assertThat(checker.check(history).summary()).contains("0 late of 0 judged");
  }

  @Test
  void delayAfterTtl_overEveryJudgedTakeover_includesTheLateOnes() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 10)
        .grant("c1w1", "M", "a2", 1, 0, 10)
        .grant("c1w2", "N", "a3", 1, 0, 10)
        .fault(FaultKind.CLIENT_KILL, "c1", 1_000, 1_001)
        .grant("c2w0", "L", "b", 2, 900, 1_800)
        .grant("c2w1", "M", "c", 2, 900, 2_100)
        .grant("c2w2", "N", "d", 2, 900, 3_200)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isEqualTo(1);
    assertThat(result.summary()).contains("1 late of 3 judged")
        .contains("takeover latency p50 800 ms, p99 1100 ms, max 1100 ms")
        .contains("delay after TTL + lock-delay, late included (3 granted again): p50 100 ms, p99 1200 ms,"
            + " max 1200 ms");
  }
}
