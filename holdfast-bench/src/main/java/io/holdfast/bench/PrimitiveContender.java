package io.holdfast.bench;

/**
 * A contender that has a read/write lock and a semaphore with leased permits, so takes part in the primitive
 * workloads ({@link RwLockWorkload}, {@link SemaphoreWorkload}); the others are left out of them.
 */
interface PrimitiveContender extends Contender {
  /** As {@link Contender#connect}; the instance also acquires read, write and permit grants. */
  @Override
  PrimitiveLocker connect(LockerSpec spec);

  /**
   * Warms up whatever the contender runs for its instances before a primitive workload measures it (a service's
   * code paths for these primitives); nothing by default.
   *
   * @param spec where Redis is, as for {@link #connect}
   */
  default void primePrimitives(LockerSpec spec) { }

  /** The primitives' own instance from a fixture this contender opened: {@link #connect} made it. */
  static PrimitiveLocker of(Fixture fixture, int worker) {
    return (PrimitiveLocker) fixture.instanceFor(worker);
  }
}
