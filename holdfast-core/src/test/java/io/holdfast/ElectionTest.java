package io.holdfast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ElectionTest {
  private static final Duration TTL = Duration.ofSeconds(10);

  @Test
  void campaignRequest_valueTooLongOrWithSpace_rejectedBeforeAnythingIsSent() {
    assertThatThrownBy(() -> CampaignRequest.of("x".repeat(Leader.MAX_VALUE_LENGTH + 1), TTL))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("limit is " + Leader.MAX_VALUE_LENGTH);
    assertThatThrownBy(() -> CampaignRequest.of("node a", TTL)).hasMessageContaining("U+0020 at index 4");
    assertThatThrownBy(() -> CampaignRequest.of("a", Duration.ofMillis(1))).hasMessageContaining("lease TTL");
    assertThatThrownBy(() -> CampaignRequest.of("a", TTL).withWait(Duration.ofMillis(-1)))
        .hasMessageContaining("negative");
  }

  @Test
  void candidateOwner_longestValueOrTilde_isValidOwnerAndDecodesBack() {
    String longest = "v".repeat(Leader.MAX_VALUE_LENGTH);
    OwnerToken owner = Leader.candidate(longest);
    assertThat(owner.value()).hasSize(OwnerToken.MAX_LENGTH);
    assertThat(Leader.of(state(owner)).value()).isEqualTo(longest);
    assertThat(Leader.of(state(Leader.candidate("a~b"))).value()).isEqualTo("a~b");
    assertThat(Leader.of(state(Leader.candidate(""))).value()).isEmpty();
    assertThat(Leader.of(state(OwnerToken.random())).value()).as("a plain acquire's owner").isEmpty();
    assertThat(Leader.candidate("a")).as("a fresh owner per campaign").isNotEqualTo(Leader.candidate("a"));
  }

  @Test
  void listener_electedThrows_lostStillToldOnceAfterIt() {
    try (Holdfast holdfast = Holdfast.connect("embedded:election-unit")) {
      List<String> events = new CopyOnWriteArrayList<>();
      LeadershipListener throwing = new LeadershipListener() {
        @Override
        public void elected(Leadership leadership) {
          events.add("elected");
          throw new IllegalStateException("listener bug");
        }

        @Override
        public void lost(Leadership leadership, LeadershipLoss loss) {
          events.add("lost " + loss);
        }
      };
      Leadership leadership = holdfast.election("unit/throwing").campaign(CampaignRequest.of("a", TTL)
          .withListener(throwing));
      leadership.resign();
      leadership.resign();
      await().until(() -> events.equals(List.of("elected", "lost RESIGNED")));
      assertThat(leadership.isLeader()).isFalse();
      assertThat(leadership.remainingValidity()).isZero();
    }
  }

  @Test
  void leadershipLoss_everyLeaseLostReason_hasItsOwnLoss() {
    for (LeaseLostReason reason : LeaseLostReason.values()) {
      assertThat(LeadershipLoss.of(reason).name()).isEqualTo(reason.name());
    }
  }

  private static LockState state(OwnerToken owner) {
    return new LockState(LockName.of("e"), owner, new FencingToken(7), 1, TTL);
  }
}
