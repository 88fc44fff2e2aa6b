package io.holdfast.redis;

import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The counting rules of the independent-masters (Redlock) mode for one acquire: when the replies of the first
 * round settle the outcome, and what it is. Pure functions of the replies, so they are unit-tested without a
 * server.
 *
 * <p>Rules. A grant needs a majority of ALL masters (not of those that answered). Its token:
 * <ul>
 *   <li>if a majority reports the same EXISTING grant of this owner (re-entry), that grant's token: a majority
 *       holding it right now means no other owner can have been granted a majority since it was issued (their
 *       majorities would share a master, which held this grant throughout);</li>
 *   <li>otherwise the largest token any granting master drew: every granting master is then raised to it
 *       (adopt.lua), so any later majority meets a counter at least that large.</li>
 * </ul>
 * The hold count is the largest reported by the masters holding the settled token (1 for a new grant). In fair mode,
 * an attempt that is not granted also settles the caller's ticket ({@link #settledTicket}).
 *
 * <p>Safe: stateless.
 */
final class QuorumTally {
  private QuorumTally() { }

  /**
   * One master's answer to acquire.lua.
   *
   * @param granted whether it granted (or re-entered)
   * @param token its token for the grant
   * @param holds its hold count after the call
   * @param fresh whether it was a new grant (not a re-entry or repeat)
   * @param pttlMillis for busy answers, the holder's remaining TTL on that master
   * @param delayed for busy answers to a session caller, whether the grant there is in lock-delay
   * @param expired whether the master refused because the caller's session expired (acquire.lua's -2)
   * @param ticket in fair mode, the caller's place in that master's line (for a grant: the place it left); 0 when
   *     it has none
   * @param refused whether the master refused the request itself (rwlock_acquire.lua's -3: the owner holds the
   *     read side there and asked for the write side); counts as busy unless a majority refuses
   */
  record Vote(boolean granted, long token, int holds, boolean fresh, long pttlMillis, boolean delayed,
      boolean expired, long ticket, boolean refused) {
    Vote(boolean granted, long token, int holds, boolean fresh, long pttlMillis) {
      this(granted, token, holds, fresh, pttlMillis, false, false);
    }

    Vote(boolean granted, long token, int holds, boolean fresh, long pttlMillis, boolean delayed,
        boolean expired) {
      this(granted, token, holds, fresh, pttlMillis, delayed, expired, 0, false);
    }

    static Vote of(List<Object> reply) {
      if (reply == null || reply.isEmpty() || !(reply.get(0) instanceof Long status)) {
        throw new HoldfastException(ErrorCode.INTERNAL, "Unexpected reply from acquire.lua: " + reply);
      }
      if (status == 1 && reply.size() >= 4) {
        return new Vote(true, (Long) reply.get(1), (int) Math.min(Integer.MAX_VALUE, (Long) reply.get(2)),
            ((Long) reply.get(3)) == 1, 0, false, false, reply.size() > 4 ? Math.max(0, (Long) reply.get(4)) : 0,
            false);
      }
      if (status == -2) {
        return new Vote(false, 0, 0, false, 0, false, true);
      }
      if (status == -3) {
        return new Vote(false, 0, 0, false, 0, false, false, 0, true);
      }
      return new Vote(false, 0, 0, false, reply.size() > 1 ? Math.max(0, (Long) reply.get(1)) : 0,
          reply.size() > 2 && Long.valueOf(1).equals(reply.get(2)), false,
          reply.size() > 3 ? Math.max(0, (Long) reply.get(3)) : 0, false);
    }
  }

  /** What the first round decided. */
  sealed interface Decision {
    /**
     * A majority granted; the masters listed under {@code adopt} must take the settled token and count.
     *
     * @param token the settled token
     * @param holds the settled hold count
     * @param settled masters that already hold exactly that
     * @param adopt masters that granted under another token or count
     */
    record Grant(long token, int holds, List<Integer> settled, List<Integer> adopt) implements Decision { }

    /**
     * Held by others on enough masters that no majority is possible.
     *
     * @param remaining when enough of them expire for a majority to be possible again
     * @param delayed whether every busy master reported a grant in lock-delay (session callers only)
     */
    record Busy(Duration remaining, boolean delayed) implements Decision {
      Busy(Duration remaining) {
        this(remaining, false);
      }
    }

    /** A majority refused because the caller's session expired (session callers only). */
    record SessionExpired() implements Decision { }

    /**
     * A majority refused the request itself (a read holder asking for the write side): the owner truly holds
     * the read side only where a majority says so, so fewer refusals count as busy.
     */
    record Refused() implements Decision { }

    /**
     * Neither: too many masters failed or did not answer.
     *
     * @param granted masters that granted
     * @param unreachable masters that failed or did not answer in time
     */
    record Unavailable(int granted, int unreachable) implements Decision { }
  }

  static int majority(int masters) {
    return masters / 2 + 1;
  }

  /** Whether the replies so far settle the decision (see the class comment); null entries are pending. */
  static boolean enough(List<Gather.Reply<Vote>> replies) {
    int n = replies.size();
    int majority = majority(n);
    int pending = Gather.pending(replies);
    int granted = 0;
    int busy = 0;
    for (Gather.Reply<Vote> reply : replies) {
      if (reply != null && reply.ok()) {
        if (reply.value().granted()) {
          granted++;
        } else {
          busy++;
        }
      }
    }
    // No grant possible: settled once no pending reply can make it Busy rather than Unavailable either, so that a
    // held lock reads as busy (not as a failure) while a minority of masters is down.
    if (pending == 0 || busy > n - majority || (granted + pending < majority && busy + pending <= n - majority)) {
      return true;
    }
    if (granted < majority) {
      return false;
    }
    int existing = largestExistingGroup(replies);
    return existing >= majority || existing + pending < majority;
  }

  /** The decision on a snapshot; pending and failed masters count as not granting. */
  static Decision decide(List<Gather.Reply<Vote>> replies) {
    int n = replies.size();
    int majority = majority(n);
    List<Integer> granted = new ArrayList<>();
    List<Long> busyTtls = new ArrayList<>();
    int expired = 0;
    int refused = 0;
    boolean allDelayed = true;
    for (int i = 0; i < n; i++) {
      Gather.Reply<Vote> reply = replies.get(i);
      if (reply != null && reply.ok() && reply.value().granted()) {
        granted.add(i);
      } else if (reply != null && reply.ok()) {
        busyTtls.add(reply.value().pttlMillis());
        expired += reply.value().expired() ? 1 : 0;
        refused += reply.value().refused() ? 1 : 0;
        allDelayed &= reply.value().expired() || reply.value().delayed();
      }
    }
    if (granted.size() >= majority) {
      return grant(replies, granted, majority);
    }
    if (expired >= majority) {
      return new Decision.SessionExpired();
    }
    if (refused >= majority) {
      return new Decision.Refused();
    }
    if (busyTtls.size() > n - majority) {
      busyTtls.sort(java.util.Comparator.reverseOrder());
      return new Decision.Busy(Duration.ofMillis(busyTtls.get(n - majority)), allDelayed);
    }
    return new Decision.Unavailable(granted.size(), n - granted.size() - busyTtls.size());
  }

  /**
   * The fair mode's settled ticket of an attempt (docs/fair-lock.md, "Independent masters"): the majority-th
   * smallest of the tickets the masters reported (busy answers, and grants that took the caller out of line), so a
   * majority of masters had the caller at or before it, which is what keeps a waiter that is not settled yet from
   * being passed, and one master that lost its line cannot push the caller back. A grant where the caller had no
   * place (the line there was empty) puts it ahead of everyone there, so it counts towards that majority: with
   * fewer tickets than a majority, the largest ticket reported.
   *
   * @param replies the first round's replies; null entries are pending
   * @return the settled ticket, or 0 when fewer than a majority answered with a ticket or a grant
   */
  static long settledTicket(List<Gather.Reply<Vote>> replies) {
    int unplacedGrants = 0;
    List<Long> tickets = new ArrayList<>();
    for (Gather.Reply<Vote> reply : replies) {
      if (reply != null && reply.ok() && reply.value().ticket() > 0) {
        tickets.add(reply.value().ticket());
      } else if (reply != null && reply.ok() && reply.value().granted()) {
        unplacedGrants++;
      }
    }
    int majority = majority(replies.size());
    if (tickets.isEmpty() || tickets.size() + unplacedGrants < majority) {
      return 0;
    }
    tickets.sort(null);
    return tickets.get(Math.min(majority, tickets.size()) - 1);
  }

  private static Decision grant(List<Gather.Reply<Vote>> replies, List<Integer> granted, int majority) {
    Map<Long, Integer> existing = existingGroups(replies);
    long token = Long.MIN_VALUE;
    for (Map.Entry<Long, Integer> group : existing.entrySet()) {
      if (group.getValue() >= majority) {
        token = group.getKey();
      }
    }
    boolean reentry = token != Long.MIN_VALUE;
    int holds = 1;
    for (int i : granted) {
      Vote vote = replies.get(i).value();
      if (!reentry) {
        token = Math.max(token, vote.token());
      } else if (vote.token() == token) {
        holds = Math.max(holds, vote.holds());
      }
    }
    List<Integer> settled = new ArrayList<>();
    List<Integer> adopt = new ArrayList<>();
    for (int i : granted) {
      Vote vote = replies.get(i).value();
      (vote.token() == token && vote.holds() == holds ? settled : adopt).add(i);
    }
    return new Decision.Grant(token, holds, settled, adopt);
  }

  private static int largestExistingGroup(List<Gather.Reply<Vote>> replies) {
    return existingGroups(replies).values().stream().max(Integer::compare).orElse(0);
  }

  /** Count of masters reporting an existing (non-fresh) grant, per token. */
  private static Map<Long, Integer> existingGroups(List<Gather.Reply<Vote>> replies) {
    Map<Long, Integer> groups = new HashMap<>();
    for (Gather.Reply<Vote> reply : replies) {
      if (reply != null && reply.ok() && reply.value().granted() && !reply.value().fresh()) {
        groups.merge(reply.value().token(), 1, Integer::sum);
      }
    }
    return groups;
  }
}
