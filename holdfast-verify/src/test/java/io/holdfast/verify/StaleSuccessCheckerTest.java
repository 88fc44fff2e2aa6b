package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StaleSuccessCheckerTest {
  private final StaleSuccessChecker checker = new StaleSuccessChecker(Duration.ofSeconds(1));

  @Test
  void releaseBeforeTheNextGrant_isFine() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1)
        .renew("c1w0", "L", "a", 1, 2, 3)
        .release("c1w0", "L", "a", 1, 4, 5)
        .grant("c2w0", "L", "b", 2, 3, 6)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.summary()).contains("2 successful renewals and releases");
  }

  @Test
  void releaseBegunAfterALargerGrantCompleted_isAViolation() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1)
        .grant("c2w0", "L", "b", 2, 3, 1_100)
        .release("c1w0", "L", "a", 1, 1_200, 1_201)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isEqualTo(1);
    assertThat(result.counterexample().get(0)).contains("release of token 1 succeeded though a grant");
  }

  @Test
  void releaseAfterALargerGrant_whenRedisLostTheDataMeanwhile_isExplainedNotCounted() {
    History wiped = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1)
        .fault(FaultKind.REDIS_WIPE, "redis", 200, 700)
        .grant("c2w0", "L", "b", 2, 750, 800)
        .release("c1w0", "L", "a", 1, 900, 1_500)
        .build();
    History paused = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1)
        .fault(FaultKind.REDIS_PAUSE, "redis", 200, 700)
        .grant("c2w0", "L", "b", 2, 750, 800)
        .release("c1w0", "L", "a", 1, 900, 1_500)
        .build();

    CheckResult explained = checker.check(wiped);

    assertThat(explained.violations()).isZero();
    assertThat(explained.summary()).contains("1 after leases lost to faults, not counted: redis-wipe 1");
    assertThat(checker.check(paused).violations()).isEqualTo(1);
  }

  @Test
  void releaseAfterALargerGrant_whenAFailoverLostTheGrant_isExplainedByFailover() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1)
        .fault(FaultKind.FAILOVER, "redis", 200, 3_000)
        .grant("c2w0", "L", "b", 2, 2_500, 2_600)
        .release("c1w0", "L", "a", 1, 2_700, 2_800)
        .build();

    CheckResult result = checker.check(history);

    assertThat(result.violations()).isZero();
    assertThat(result.summary()).contains("not counted: failover 1");
  }

  @Test
  void releaseConcurrentWithTheLargerGrant_isNotProvablyStale() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1)
        .grant("c2w0", "L", "b", 2, 3, 1_100)
        .release("c1w0", "L", "a", 1, 1_050, 1_201)
        .build();

    assertThat(checker.check(history).violations()).isZero();
  }

  @Test
  void renewAfterOwnRelease_isAViolation() {
    History history = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1)
        .release("c1w0", "L", "a", 1, 2, 3)
        .op(Op.RENEW, Type.OK, "c1w1", "L", "a", 1, 4, 5)
        .build();

    assertThat(checker.check(history).counterexample().get(0)).contains("after the grant was released");
  }

  @Test
  void successAfterNotOwner_isAResurrection_butUnconfirmedLossIsNot() {
    History resurrected = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1)
        .lost(500, "c1", "L", "a", 1, "NOT_OWNER")
        .renew("c1w0", "L", "a", 1, 600, 601)
        .build();
    History unconfirmed = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1)
        .lost(500, "c1", "L", "a", 1, "UNCONFIRMED")
        .renew("c1w0", "L", "a", 1, 600, 601)
        .build();

    assertThat(checker.check(resurrected).counterexample().get(0)).contains("resurrected");
    assertThat(checker.check(unconfirmed).violations()).isZero();
  }

  @Test
  void successAfterSessionLost_isAResurrection() {
    History resurrected = new HistoryBuilder()
        .grant("c1w0", "L", "a", 1, 0, 1)
        .lost(500, "c1", "L", "a", 1, "SESSION_LOST")
        .renew("c1w0", "L", "a", 1, 600, 601)
        .build();

    assertThat(checker.check(resurrected).violations()).isEqualTo(1);
    assertThat(checker.check(resurrected).counterexample().get(0)).contains("SESSION_LOST", "resurrected");
  }
}
