package io.holdfast;

/**
 * Told when a lease is lost while its holder still has it: renewal found another owner, or could not confirm
 * the lease before its validity deadline, or (for a lease taken without automatic renewal) the validity deadline
 * passed without a renewal by hand ({@link LeaseLostReason#EXPIRED}). It is not called for a lease that its
 * holder released.
 *
 * <p>Called once per lease, on a Holdfast internal thread: keep it short and never block in it (hand the signal
 * to the worker, for example by interrupting it or cancelling its task). An exception it throws is logged and
 * otherwise ignored.
 */
@FunctionalInterface
public interface LeaseLostListener {
  /**
   * The lease is gone; stop the work it guards.
   *
   * @param lease the lost lease ({@link Lease#isValid()} is already false)
   * @param reason how the loss was noticed
   */
  void leaseLost(Lease lease, LeaseLostReason reason);
}
