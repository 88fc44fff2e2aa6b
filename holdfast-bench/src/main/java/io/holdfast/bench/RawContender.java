package io.holdfast.bench;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.concurrent.TimeUnit;

/**
 * The floor: the minimum a correct lock needs, in raw Lettuce commands at the same concurrency as the others.
 * {@code SET key value NX PX ttl} to acquire, an {@code EVALSHA} compare-and-delete (which also publishes, so
 * waiters need not poll) to release, a {@code SUBSCRIBE} per contended lock and instance to wait, and one
 * compare-and-{@code PEXPIRE} per lease and period to renew. No fencing tokens, no re-entry, no retries, no
 * metrics: whatever a library spends beyond this is its overhead.
 */
final class RawContender implements Contender {
  /*
   * One set of Lettuce resources (event loops, HashedWheelTimer) for every instance, as Holdfast's backend shares
   * one per JVM: a hundred instances with their own would make a hundred timers (Netty logs "You are creating too
   * many HashedWheelTimer instances") and a hundred event loops, which measures thread overhead, not the lock.
   */
  private ClientResources resources;

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
  public synchronized Locker connect(LockerSpec spec) {
    if (resources == null) {
      resources = DefaultClientResources.create();
    }
    return RawLocker.open(spec, resources);
  }

  /** Shuts the shared resources down; call after every locker is closed. */
  @Override
  public synchronized void close() {
    if (resources != null) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      resources = null;
    }
  }
}
