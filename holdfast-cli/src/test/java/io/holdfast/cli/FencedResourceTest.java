package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.FencingToken;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import org.junit.jupiter.api.Test;

class FencedResourceTest {
  private static final LockName LOCK = LockName.of("orders");
  private final FencedResource resource = new FencedResource();

  @Test
  void write_increasingTokens_acceptsAll() {
    assertThat(resource.write(new FakeLease("orders", 1))).isTrue();
    assertThat(resource.write(new FakeLease("orders", 1))).isTrue();
    assertThat(resource.write(new FakeLease("orders", 5))).isTrue();

    assertThat(resource.writesAccepted()).isEqualTo(3);
    assertThat(resource.staleWritesRejected()).isZero();
    assertThat(resource.violations()).isZero();
  }

  @Test
  void write_lowerTokenFromExpiredLease_rejectedAsStaleWithoutViolation() {
    resource.write(new FakeLease("orders", 7));

    boolean accepted = resource.write(new FakeLease("orders", 6).valid(false));

    assertThat(accepted).isFalse();
    assertThat(resource.staleWritesRejected()).isEqualTo(1);
    assertThat(resource.violations()).isZero();
  }

  @Test
  void write_lowerTokenFromLeaseValidBeforeAndAfter_countsValidLeaseFenced() {
    resource.write(new FakeLease("orders", 7));

    boolean accepted = resource.write(new FakeLease("orders", 6));

    assertThat(accepted).isFalse();
    assertThat(resource.staleWritesRejected()).isEqualTo(1);
    assertThat(resource.validLeaseFenced()).isEqualTo(1);
    assertThat(resource.violations()).isEqualTo(1);
  }

  @Test
  void write_tokensOfOtherLocks_fencedSeparately() {
    resource.write(new FakeLease("orders", 9));

    assertThat(resource.write(new FakeLease("invoices", 2))).isTrue();
    assertThat(resource.violations()).isZero();
  }

  @Test
  void granted_sameTokenToTwoOwners_countsDuplicateToken() {
    FencingToken token = new FencingToken(3);
    assertThat(resource.granted(LOCK, OwnerToken.of("node-a"), token, 0)).isTrue();

    boolean ok = resource.granted(LOCK, OwnerToken.of("node-b"), token, 0);

    assertThat(ok).isFalse();
    assertThat(resource.duplicateTokens()).isEqualTo(1);
    assertThat(resource.violations()).isEqualTo(1);
  }

  @Test
  void granted_sameTokenToSameOwnerAgain_isNotADuplicate() {
    FencingToken token = new FencingToken(3);
    resource.granted(LOCK, OwnerToken.of("node-a"), token, 0);

    assertThat(resource.granted(LOCK, OwnerToken.of("node-a"), token, 0)).isTrue();
    assertThat(resource.violations()).isZero();
  }

  @Test
  void granted_tokenNotAboveOneReleasedBeforeAcquire_countsTokenNotAboveReleased() {
    FakeLease first = new FakeLease("orders", 4);
    resource.granted(LOCK, first.owner(), first.fencingToken(), resource.releasedWatermark(LOCK));
    resource.released(first);
    long watermark = resource.releasedWatermark(LOCK);

    boolean ok = resource.granted(LOCK, OwnerToken.of("node-b"), new FencingToken(4), watermark);
    boolean lower = resource.granted(LOCK, OwnerToken.of("node-c"), new FencingToken(2), watermark);

    assertThat(watermark).isEqualTo(4);
    assertThat(ok).isFalse();
    assertThat(lower).isFalse();
    assertThat(resource.tokenNotAboveReleased()).isEqualTo(2);
    assertThat(resource.duplicateTokens()).isEqualTo(1);
    assertThat(resource.violations()).isEqualTo(3);
  }

  @Test
  void granted_releaseCompletingDuringTheAcquire_isNotAViolation() {
    long watermarkBeforeAcquire = resource.releasedWatermark(LOCK);
    FakeLease later = new FakeLease("orders", 8);
    resource.granted(LOCK, later.owner(), later.fencingToken(), 0);
    resource.released(later);

    boolean ok = resource.granted(LOCK, OwnerToken.of("slow-node"), new FencingToken(7), watermarkBeforeAcquire);

    assertThat(ok).isTrue();
    assertThat(resource.violations()).isZero();
  }

  @Test
  void granted_higherTokenAfterRelease_isFine() {
    FakeLease first = new FakeLease("orders", 4);
    resource.granted(LOCK, first.owner(), first.fencingToken(), 0);
    resource.released(first);

    assertThat(resource.granted(LOCK, OwnerToken.of("node-b"), new FencingToken(5),
        resource.releasedWatermark(LOCK))).isTrue();
    assertThat(resource.violations()).isZero();
  }
}
