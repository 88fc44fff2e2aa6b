package io.holdfast.verify;

/*
 * The one rule that says which holds of the read/write workload are writes, shared by the driver that acquires
 * them and the checker that judges them: a function of the owner token the history records, so no event needs a
 * field for it. A quarter of the owners write, the rest read. Stateless.
 */
final class HolderKinds {
  /** The semaphore workload's number of permits, which the checker holds it to. */
  static final int PERMITS = 2;

  private HolderKinds() { }

  static boolean isWriter(String owner) {
    return Math.floorMod(owner.hashCode(), 4) == 0;
  }
}
