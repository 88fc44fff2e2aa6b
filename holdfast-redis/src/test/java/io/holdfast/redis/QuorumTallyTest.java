package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.redis.QuorumTally.Decision;
import io.holdfast.redis.QuorumTally.Vote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Redlock counting rules, on hand-made replies: majority of all masters, token choice, early decisions. */
class QuorumTallyTest {
  private static final Gather.Reply<Vote> PENDING = null;

  private static Gather.Reply<Vote> fresh(long token) {
    return new Gather.Reply<>(new Vote(true, token, 1, true, 0), null);
  }

  private static Gather.Reply<Vote> existing(long token, int holds) {
    return new Gather.Reply<>(new Vote(true, token, holds, false, 0), null);
  }

  private static Gather.Reply<Vote> busy(long pttl) {
    return new Gather.Reply<>(new Vote(false, 0, 0, false, pttl), null);
  }

  private static Gather.Reply<Vote> failed() {
    return new Gather.Reply<>(null, new IllegalStateException("down"));
  }

  /** A snapshot as Gather hands it out; null entries are masters still pending. */
  @SuppressWarnings("unchecked")
  private static List<Gather.Reply<Vote>> replies(Gather.Reply<?>... replies) {
    List<Gather.Reply<Vote>> snapshot = new ArrayList<>();
    for (Gather.Reply<?> reply : replies) {
      snapshot.add((Gather.Reply<Vote>) reply);
    }
    return snapshot;
  }

  @Test
  void voteOf_sessionReplies_readExpiredAndDelayed() {
    assertThat(Vote.of(List.of(-2L)).expired()).isTrue();
    assertThat(Vote.of(List.of(0L, 500L, 1L)).delayed()).isTrue();
    assertThat(Vote.of(List.of(0L, 500L, 0L)).delayed()).isFalse();
    assertThat(Vote.of(List.of(0L, 500L)).delayed()).isFalse();
  }

  @Test
  void sessionExpiredOnAMajority_decidesSessionExpired() {
    Gather.Reply<Vote> expired = new Gather.Reply<>(Vote.of(List.of(-2L)), null);
    assertThat(QuorumTally.decide(replies(expired, expired, fresh(100)))).isEqualTo(new Decision.SessionExpired());
  }

  @Test
  void upgradeRefused_onAMajority_decidesRefused_onAMinority_countsAsBusy() {
    Gather.Reply<Vote> refused = new Gather.Reply<>(Vote.of(List.of(-3L)), null);
    assertThat(refused.value().refused()).isTrue();
    assertThat(refused.value().granted()).isFalse();
    assertThat(QuorumTally.decide(replies(refused, refused, busy(700)))).isEqualTo(new Decision.Refused());
    assertThat(QuorumTally.decide(replies(refused, busy(700), busy(400))))
        .isEqualTo(new Decision.Busy(Duration.ofMillis(400), false));
    assertThat(QuorumTally.decide(replies(refused, fresh(100), fresh(90))))
        .isEqualTo(new Decision.Grant(100, 1, List.of(1), List.of(2)));
    assertThat(QuorumTally.enough(replies(refused, refused, PENDING))).isTrue();
  }

  @Test
  void busyInLockDelayEverywhere_decidesDelayedBusy_andOneHeldBusyIsNotDelayed() {
    Gather.Reply<Vote> delayed = new Gather.Reply<>(Vote.of(List.of(0L, 900L, 1L)), null);
    Gather.Reply<Vote> held = new Gather.Reply<>(Vote.of(List.of(0L, 900L, 0L)), null);
    assertThat(QuorumTally.decide(replies(delayed, delayed, fresh(100))))
        .isEqualTo(new Decision.Busy(Duration.ofMillis(900), true));
    assertThat(QuorumTally.decide(replies(delayed, held, fresh(100))))
        .isEqualTo(new Decision.Busy(Duration.ofMillis(900), false));
  }

  @Test
  void freshMajority_settlesOnLargestTokenAndAdoptsTheOthers() {
    Decision decision = QuorumTally.decide(replies(fresh(100), fresh(300), failed()));
    assertThat(decision).isEqualTo(new Decision.Grant(300, 1, List.of(1), List.of(0)));
  }

  @Test
  void reentryOnAMajority_keepsItsTokenAndRaisesTheCount() {
    Decision decision = QuorumTally.decide(replies(existing(50, 2), existing(50, 2), fresh(900)));
    assertThat(decision).isEqualTo(new Decision.Grant(50, 2, List.of(0, 1), List.of(2)));
  }

  @Test
  void existingGrantOnAMinority_isNotTrusted_andANewLargerTokenIsSettled() {
    Decision decision = QuorumTally.decide(replies(existing(50, 3), fresh(700), fresh(800)));
    assertThat(decision).isEqualTo(new Decision.Grant(800, 1, List.of(2), List.of(0, 1)));
  }

  @Test
  void heldByOthersOnAMajority_isBusyUntilEnoughExpire() {
    Decision decision = QuorumTally.decide(replies(busy(4_000), busy(9_000), fresh(1)));
    assertThat(decision).isEqualTo(new Decision.Busy(Duration.ofMillis(4_000)));
    Decision five = QuorumTally.decide(replies(busy(1_000), busy(5_000), busy(3_000), fresh(1), fresh(2)));
    assertThat(five).as("after 1 s only two are still held: three free masters make a majority")
        .isEqualTo(new Decision.Busy(Duration.ofMillis(1_000)));
  }

  @Test
  void minorityGrantedAndRestUnreachable_isUnavailable() {
    assertThat(QuorumTally.decide(replies(fresh(1), failed(), PENDING)))
        .isEqualTo(new Decision.Unavailable(1, 2));
    assertThat(QuorumTally.decide(replies(fresh(1), fresh(2), busy(10), busy(10), failed())))
        .isEqualTo(new Decision.Unavailable(2, 1));
  }

  @Test
  void enough_decidesEarlyOnlyWhenNoLateReplyCanChangeTheOutcome() {
    assertThat(QuorumTally.enough(replies(fresh(1), fresh(2), PENDING))).as("fresh majority").isTrue();
    assertThat(QuorumTally.enough(replies(busy(5), busy(5), PENDING))).as("majority impossible").isTrue();
    assertThat(QuorumTally.enough(replies(fresh(1), PENDING, PENDING))).isFalse();
    assertThat(QuorumTally.enough(replies(existing(7, 2), fresh(9), PENDING)))
        .as("the pending master could make the re-entry a majority").isFalse();
    assertThat(QuorumTally.enough(replies(existing(7, 2), existing(7, 2), PENDING))).isTrue();
    assertThat(QuorumTally.enough(replies(failed(), failed(), PENDING))).as("grant impossible").isTrue();
    assertThat(QuorumTally.enough(replies(failed(), busy(5), PENDING)))
        .as("the pending master could make it busy rather than unavailable").isFalse();
  }

  @Test
  void majority_isOfAllMasters() {
    assertThat(QuorumTally.majority(3)).isEqualTo(2);
    assertThat(QuorumTally.majority(4)).isEqualTo(3);
    assertThat(QuorumTally.majority(5)).isEqualTo(3);
  }
}
