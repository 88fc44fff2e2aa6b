package io.holdfast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void lockName_empty_rejected() {
    assertThatThrownBy(() -> LockName.of("")).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void lockName_overLimit_rejectedWithSize() {
    assertThatThrownBy(() -> LockName.of("é".repeat(300))).hasMessageContaining("600 bytes");
  }

  @Test
  void lockName_braceOrControl_rejected() {
    assertThatThrownBy(() -> LockName.of("a{b}")).hasMessageContaining("hash tag");
    assertThatThrownBy(() -> LockName.of("a\nb")).hasMessageContaining("U+000A");
  }

  @Test
  void lockName_loneSurrogate_rejectedRatherThanSentAsQuestionMark() {
    assertThatThrownBy(() -> LockName.of("sur/a\ud800b")).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("lone surrogate U+D800 at index 5");
    assertThatThrownBy(() -> LockName.of("sur/\udc00")).hasMessageContaining("U+DC00");
    assertThatThrownBy(() -> LockName.of("sur/\ud800")).hasMessageContaining("U+D800");
  }

  @Test
  void lockName_unicodeAndSlashes_accepted() {
    assertThat(LockName.of("orders/2026/ümlaut:42").value()).isEqualTo("orders/2026/ümlaut:42");
    assertThat(LockName.of("emoji/\uD83D\uDD12").value()).as("a surrogate pair is one code point").hasSize(8);
  }

  @Test
  void ownerToken_random_uniqueAndValid() {
    assertThat(OwnerToken.random()).isNotEqualTo(OwnerToken.random());
    assertThat(OwnerToken.random().value()).hasSize(22);
  }

  @Test
  void ownerToken_spaceOrTooLong_rejected() {
    assertThatThrownBy(() -> OwnerToken.of("a b")).hasMessageContaining("U+0020");
    assertThatThrownBy(() -> OwnerToken.of("x".repeat(129))).hasMessageContaining("129");
  }

  @Test
  void fencingToken_nonPositive_rejected() {
    assertThatThrownBy(() -> new FencingToken(0)).isInstanceOf(InvalidArgumentException.class);
    assertThat(new FencingToken(5).isNewerThan(new FencingToken(4))).isTrue();
  }

  @Test
  void acquireRequest_ttlOutOfRange_rejectedWithValue() {
    assertThatThrownBy(() -> AcquireRequest.of("a", Duration.ofMillis(5))).hasMessageContaining("PT0.005S");
    assertThatThrownBy(() -> AcquireRequest.of("a", Duration.ofDays(8))).hasMessageContaining("PT192H");
    assertThatThrownBy(() -> AcquireRequest.of("a", Duration.ofSeconds(1)).withWait(Duration.ofMillis(-1)))
        .hasMessageContaining("negative");
  }

  @Test
  void acquireRequest_defaults_waitForeverWithRenewal() {
    AcquireRequest request = AcquireRequest.of("a", Duration.ofSeconds(1));
    assertThat(request.waitsForever()).isTrue();
    assertThat(request.autoRenew()).isTrue();
    assertThat(request.withoutAutoRenew().autoRenew()).isFalse();
  }

  @Test
  void options_badValues_rejectedWithValue() {
    HoldfastOptions.Builder embedded = HoldfastOptions.builder().embedded();
    assertThatThrownBy(() -> embedded.renewalFraction(0.9).build()).hasMessageContaining("0.9");
    assertThatThrownBy(() -> HoldfastOptions.builder().embedded().keyPrefix("a b").build())
        .hasMessageContaining("a b");
    assertThatThrownBy(() -> HoldfastOptions.builder().backend("::not a uri").build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> HoldfastOptions.builder().embedded()
        .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build()).hasMessageContaining("max backoff");
  }

  @Test
  void options_noBackend_failSayingHowToChooseOne() {
    assertThatThrownBy(() -> HoldfastOptions.builder().build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("no backend chosen")
        .hasMessageContaining("backend(\"redis://host:6379\")")
        .hasMessageContaining("backend(\"holdfast://TOKEN@host:7420\")")
        .hasMessageContaining("embedded()");
  }

  @Test
  void options_embedded_isTheSharedInProcessStore() {
    assertThat(HoldfastOptions.builder().embedded().build().backend()).hasToString("embedded:default");
  }

  @Test
  void connect_unknownScheme_namesTheScheme() {
    assertThatThrownBy(() -> Holdfast.connect("zookeeper://x:1")).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("zookeeper:");
  }

  @Test
  void backoff_fullJitter_staysWithinCeiling() {
    Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofMillis(100));
    for (int attempt = 0; attempt < 40; attempt++) {
      long ceiling = Math.min(100_000_000L, 10_000_000L << Math.min(attempt, 30));
      assertThat(backoff.delayNanos(attempt)).isBetween(0L, ceiling);
    }
  }

  @Test
  void driftAllowance_oneSecondTtl_isTwelveMillis() {
    assertThat(HoldfastOptions.builder().embedded().build().driftAllowance(Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofMillis(12));
  }

  @Test
  void acquireRequest_withFair_isKeptByEveryOtherWither() {
    AcquireRequest plain = AcquireRequest.of("a", Duration.ofSeconds(1));
    AcquireRequest fair = plain.withFair(true).withWait(Duration.ZERO).withOwner(OwnerToken.random())
        .withoutAutoRenew().onLeaseLost(AcquireRequest.NO_LISTENER);
    assertThat(plain.fair()).isFalse();
    assertThat(fair.fair()).isTrue();
    assertThat(fair.withFair(false).fair()).isFalse();
  }
}
