package io.holdfast;

import java.util.Optional;

/** Told who leads an election; see {@link Election#observe(LeaderObserver)}. */
@FunctionalInterface
public interface LeaderObserver {
  /**
   * The leader changed (another owner or a new term), or the observation just started.
   *
   * @param leader the leader now, or empty while nobody leads; a snapshot that may already be stale
   */
  void leaderChanged(Optional<Leader> leader);
}
