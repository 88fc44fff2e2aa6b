package io.holdfast;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A cycle of waits found by deadlock detection: each step's owner waits for the step's lock, which the next
 * step's owner holds; the last step's lock is held by the first step's owner. The first step is the wait that
 * found the cycle. Owners are parties as the backend knows them: an {@link OwnerToken}'s value for a library
 * client, {@code "<session id> <owner>"} in the lock service.
 *
 * @param steps at least one step (a single step is an owner waiting for a lock it holds under another party,
 *     which cannot happen with owner identity, so in practice two or more)
 */
public record WaitCycle(List<Step> steps) implements Serializable {
  /**
   * One wait of the cycle.
   *
   * @param owner the waiting party
   * @param lock the name of the lock it waits for
   */
  public record Step(String owner, String lock) implements Serializable {
    /** Validates the step. */
    public Step {
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(lock, "lock");
    }
  }

  /**
   * Validates the cycle.
   *
   * @throws IllegalArgumentException when there is no step
   */
  public WaitCycle {
    steps = List.copyOf(steps);
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a wait cycle has at least one step");
    }
  }

  /**
   * The locks of the cycle, in its order.
   *
   * @return one name per step
   */
  public List<String> locks() {
    return steps.stream().map(Step::lock).toList();
  }

  /**
   * The owners of the cycle, in its order.
   *
   * @return one party per step
   */
  public List<String> owners() {
    return steps.stream().map(Step::owner).toList();
  }

  /** Reads as {@code A waits for 'x' held by B -> B waits for 'y' held by A}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      String holder = steps.get((i + 1) % steps.size()).owner();
      text.append(i == 0 ? "" : " -> ").append(step.owner()).append(" waits for '").append(step.lock())
          .append("' held by ").append(holder);
    }
    return text.toString();
  }
}
