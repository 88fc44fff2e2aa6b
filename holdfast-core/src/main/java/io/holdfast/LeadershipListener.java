package io.holdfast;

/**
 * Told when a campaign's candidate becomes leader and when that leadership ends. For each {@link Leadership},
 * {@link #elected} is called exactly once and then, when it ends, {@link #lost} exactly once, in that order, on the
 * client's listener thread (shared with {@link LeaseLostListener}s). Keep both short and never block in them: hand
 * the signal to the worker (interrupt it, cancel its task). An exception thrown here is logged and ignored.
 */
public interface LeadershipListener {
  /** A listener that ignores both events (the default). */
  LeadershipListener NONE = new LeadershipListener() {
    @Override
    public void elected(Leadership leadership) {
    }

    @Override
    public void lost(Leadership leadership, LeadershipLoss loss) {
    }
  };

  /**
   * The candidate leads, under {@link Leadership#term()}.
   *
   * @param leadership the new leadership
   */
  void elected(Leadership leadership);

  /**
   * The leadership ended; stop acting as leader. By the time this is called {@link Leadership#isLeader()} is false.
   *
   * @param leadership the leadership that ended
   * @param loss why
   */
  void lost(Leadership leadership, LeadershipLoss loss);
}
