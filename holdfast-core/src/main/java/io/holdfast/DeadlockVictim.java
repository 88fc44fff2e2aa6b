package io.holdfast;

/**
 * Which member of a wait cycle deadlock detection fails. Every member that checks the same cycle applies the same
 * rule to the same facts (read from the shared graph), so they agree on one victim.
 */
public enum DeadlockVictim {
  /**
   * The wait that found the cycle fails at once (the default). When two members close one cycle at the same
   * instant, both may find it and both fail: fewer waits than with {@link #YOUNGEST}, occasionally two victims.
   */
  REQUESTER,
  /**
   * The member whose wait for its lock in the cycle started last fails (ties broken by the larger owner name), on
   * whichever member finds it: the finder fails if it is that member, and otherwise keeps waiting while the victim
   * finds the same cycle at its own next re-check (within the re-check interval) and fails. Exactly one victim.
   */
  YOUNGEST
}
