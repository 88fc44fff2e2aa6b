package io.holdfast;

import java.time.Duration;

/**
 * How a candidate campaigns: the value it announces while leading, its lease, how long to wait and whom to tell.
 * Build one with {@link #of(String, Duration)} and the {@code with...} methods; every instance is validated when it
 * is made.
 *
 * @param value what the leader announces to observers ({@link Leader#value()}), such as its address: 0 to
 *     {@value Leader#MAX_VALUE_LENGTH} printable ASCII characters without spaces. It is part of the lock's owner
 *     token, so it is fixed for the leadership (there is no etcd-style {@code proclaim} of a new value).
 * @param leaseTtl the leadership lease: how long the backend keeps it without renewal; a leader that stops renewing
 *     (crash, partition) is replaced after at most this long
 * @param waitTimeout how long to campaign: {@link Duration#ZERO} tries once, {@link AcquireRequest#WAIT_FOREVER}
 *     until elected
 * @param autoRenew whether the lease is renewed in the background while leading (the default). Without renewal the
 *     leadership ends with {@link LeadershipLoss#EXPIRED} at the lease's local validity deadline.
 * @param listener told when elected and when the leadership ends; never null (use {@link LeadershipListener#NONE})
 */
public record CampaignRequest(String value, Duration leaseTtl, Duration waitTimeout, boolean autoRenew,
    LeadershipListener listener) {

  /**
   * Validates the request.
   *
   * @throws InvalidArgumentException when a field is missing, the value is too long or has a character outside
   *     {@code !..~}, the TTL is outside [{@link AcquireRequest#MIN_TTL}, {@link AcquireRequest#MAX_TTL}] or the wait
   *     is negative
   */
  public CampaignRequest {
    if (value == null || leaseTtl == null || waitTimeout == null || listener == null) {
      throw new InvalidArgumentException("campaign value, lease TTL, wait timeout and listener must not be null");
    }
    if (value.length() > Leader.MAX_VALUE_LENGTH) {
      throw new InvalidArgumentException("campaign value is " + value.length() + " characters, the limit is "
          + Leader.MAX_VALUE_LENGTH);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '!' || c > '~') {
        throw new InvalidArgumentException("campaign value may hold only printable ASCII without spaces; found U+"
            + String.format("%04X", (int) c) + " at index " + i);
      }
    }
    if (leaseTtl.compareTo(AcquireRequest.MIN_TTL) < 0 || leaseTtl.compareTo(AcquireRequest.MAX_TTL) > 0) {
      throw new InvalidArgumentException("leadership lease TTL must be between " + AcquireRequest.MIN_TTL.toMillis()
          + " ms and " + AcquireRequest.MAX_TTL.toDays() + " days, was " + leaseTtl);
    }
    if (waitTimeout.isNegative()) {
      throw new InvalidArgumentException("campaign wait must not be negative, was " + waitTimeout);
    }
  }

  /**
   * A campaign with {@code value} that waits until elected, with automatic renewal and no listener.
   *
   * @param value what the leader announces (may be empty)
   * @param leaseTtl the leadership lease TTL
   * @return the request
   * @throws InvalidArgumentException when the value or TTL is invalid
   */
  public static CampaignRequest of(String value, Duration leaseTtl) {
    return new CampaignRequest(value, leaseTtl, AcquireRequest.WAIT_FOREVER, true, LeadershipListener.NONE);
  }

  /**
   * The same campaign with another wait: {@link Duration#ZERO} tries once.
   *
   * @param newWait how long to campaign
   * @return a new request
   */
  public CampaignRequest withWait(Duration newWait) {
    return new CampaignRequest(value, leaseTtl, newWait, autoRenew, listener);
  }

  /**
   * The same campaign with a listener.
   *
   * @param newListener told of election and loss
   * @return a new request
   */
  public CampaignRequest withListener(LeadershipListener newListener) {
    return new CampaignRequest(value, leaseTtl, waitTimeout, autoRenew, newListener);
  }

  /**
   * The same campaign without automatic renewal: the leadership lasts one lease at most and ends with
   * {@link LeadershipLoss#EXPIRED}. For work that must not outlive one lease, and for tests of expiry.
   *
   * @return a new request
   */
  public CampaignRequest withoutAutoRenew() {
    return new CampaignRequest(value, leaseTtl, waitTimeout, false, listener);
  }

  /** The lock acquire this campaign is, for a fresh candidate {@code owner}. */
  AcquireRequest toAcquire(LockName election, OwnerToken owner, LeaseLostListener onLost) {
    AcquireRequest request = AcquireRequest.of(election.value(), leaseTtl).withOwner(owner).withWait(waitTimeout)
        .onLeaseLost(onLost);
    return autoRenew ? request : request.withoutAutoRenew();
  }
}
