package io.holdfast.bench;

/**
 * The floor: the minimum a correct lock needs, in raw Lettuce commands at the same concurrency as the others.
 * {@code SET key value NX PX ttl} to acquire, an {@code EVALSHA} compare-and-delete (which also publishes, so
 * waiters need not poll) to release, a {@code SUBSCRIBE} per contended lock and instance to wait, and one
 * compare-and-{@code PEXPIRE} per lease and period to renew. No fencing tokens, no re-entry, no retries, no
 * metrics: whatever a library spends beyond this is its overhead.
 */
final class RawContender implements Contender {

  @Override
  public String name() {
    return "raw";
  }

  @Override
  public String tag() {
    return "rw";
  }

  @Override
  public boolean fencing() {
    return false;
  }

  @Override
  public String redisKey(String lockName) {
    return lockName;
  }

  @Override
  public Locker connect(LockerSpec spec) {
    return RawLocker.open(spec);
  }
}
