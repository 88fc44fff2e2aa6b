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

  private static Gather.Reply<Vote> inLine(long ticket) {
    return new Gather.Reply<>(Vote.of(List.of(0L, 900L, 0L, ticket)), null);
  }

  @Test
  void voteOf_fairBusyReply_readsTheTicket() {
    assertThat(Vote.of(List.of(0L, 900L, 0L, 1234L)).ticket()).isEqualTo(1234);
    assertThat(Vote.of(List.of(0L, 900L)).ticket()).isZero();
  }

  @Test
  void settledTicket_everyMasterInLine_isTheMajorityThSmallest() {
    assertThat(QuorumTally.settledTicket(replies(inLine(300), inLine(100), inLine(200)))).isEqualTo(200);
    assertThat(QuorumTally.settledTicket(replies(inLine(50), inLine(40), inLine(30), inLine(20), inLine(10))))
        .isEqualTo(30);
  }

  @Test
  void settledTicket_oneMasterLostTheLine_doesNotPushTheWaiterBack() {
    // The third master forgot the waiter and gave it a fresh ticket at its tail: the settled ticket is unchanged.
    assertThat(QuorumTally.settledTicket(replies(inLine(100), inLine(100), inLine(9_000)))).isEqualTo(100);
  }

  private static Gather.Reply<Vote> grantedFromLine(long ticket) {
    return new Gather.Reply<>(Vote.of(List.of(1L, 7L, 1L, 1L, ticket)), null);
  }

  @Test
  void voteOf_fairGrantReply_readsThePlaceItLeft() {
    assertThat(Vote.of(List.of(1L, 7L, 1L, 1L, 1234L)).ticket()).isEqualTo(1234);
    assertThat(Vote.of(List.of(1L, 7L, 1L, 1L)).ticket()).isZero();
  }

  @Test
  void settledTicket_aGrantFromTheLine_countsWithThePlaceItLeft() {
    assertThat(QuorumTally.settledTicket(replies(grantedFromLine(100), inLine(300), inLine(200)))).isEqualTo(200);
    assertThat(QuorumTally.settledTicket(replies(grantedFromLine(250), inLine(300), inLine(200)))).isEqualTo(250);
  }

  @Test
  void settledTicket_aGrantWithoutAPlace_makesUpTheMajority_withTheLargestTicket() {
    assertThat(QuorumTally.settledTicket(replies(fresh(7), inLine(300), failed()))).isEqualTo(300);
    assertThat(QuorumTally.settledTicket(replies(fresh(7), inLine(300), inLine(200)))).isEqualTo(300);
    assertThat(QuorumTally.settledTicket(replies(fresh(7), fresh(8), inLine(200)))).isEqualTo(200);
  }

  @Test
  void settledTicket_noTicketAnywhere_isNone() {
    assertThat(QuorumTally.settledTicket(replies(fresh(7), fresh(8), fresh(9)))).isZero();
  }

  @Test
  void settledTicket_fewerThanAMajorityAnsweredWithATicketOrGrant_isNone() {
    assertThat(QuorumTally.settledTicket(replies(inLine(100), failed(), PENDING))).isZero();
    assertThat(QuorumTally.settledTicket(replies(inLine(100), busy(900), busy(900)))).isZero();
    assertThat(QuorumTally.settledTicket(replies(inLine(100), inLine(200), failed(), PENDING, busy(5)))).isZero();
  }
}
