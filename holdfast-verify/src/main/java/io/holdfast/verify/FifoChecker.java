package io.holdfast.verify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * C7, first in, first out, for the fair lock: no grant passed a waiter that stayed in line ahead of it. It reads
 * only what Redis decided, never a client's order: the ticket Redis gave each waiter's place (History#queued, the
 * busy answers of fair attempts) and the grants. A waiter answered the same ticket twice has been in line without a
 * break in between, since a place that lapses (its waiter stopped attempting: paused, killed, cut off, gave up) or
 * is lost is taken again with a larger ticket. So B's grant passed A when
 *   - A was in line before B's grant: A's ticket is smaller than B's last ticket (A joined before B did), or, when
 *     B never queued (a newcomer granted at its first attempt), an answer with A's ticket came back before B's
 *     acquire began; and
 *   - A was still in line with that ticket after the grant: an attempt answered with A's ticket was sent after B's
 *     acquire completed.
 * Times are History's (invokes mapped early, completions late), so both conditions are certain. Excused: a fault
 * that can lose the line or reorder tickets (FaultKind.explainsOverlap: redis-wipe, failover, redis-clock; a
 * failover can also bring back a place the old master had already dropped) active between A's first answer with
 * the ticket and the answer that showed it again. Client pauses, kills, cuts and Redis restarts from the append-only
 * file need no excuse: they can only end a place, which changes its ticket. Each passing grant counts once.
 */
final class FifoChecker implements Checker {

  /** The answers that named one waiter's place with one ticket. */
  private static final class Place {
    final String owner;
    final long ticket;
    final long acquireInvoke;
    long firstInvoke = Long.MAX_VALUE;
    long firstAnswer = Long.MAX_VALUE;
    long lastInvoke = Long.MIN_VALUE;
    long lastAnswer = Long.MIN_VALUE;
    Operation last;

    Place(String owner, long ticket, long acquireInvoke) {
      this.owner = owner;
      this.ticket = ticket;
      this.acquireInvoke = acquireInvoke;
    }

    void add(Operation answer) {
      firstInvoke = Math.min(firstInvoke, answer.invoke());
      firstAnswer = Math.min(firstAnswer, answer.complete());
      if (answer.invoke() > lastInvoke) {
        lastInvoke = answer.invoke();
        last = answer;
      }
      lastAnswer = Math.max(lastAnswer, answer.complete());
    }
  }

  @Override
  public CheckResult check(History history) {
    Map<String, Long> acquireInvokes = new HashMap<>();
    history.operations().stream().filter(op -> op.op() == Event.Op.ACQUIRE)
        .forEach(op -> acquireInvokes.merge(op.owner(), op.invoke(), Math::min));
    Map<String, List<Place>> places = places(history, acquireInvokes);
    Map<String, Long> lastTickets = lastTickets(history);
    long passing = 0;
    Map<FaultKind, Long> excused = new EnumMap<>(FaultKind.class);
    List<String> first = List.of();
    for (Operation grant : history.grants()) {
      long ticket = lastTickets.getOrDefault(grant.owner(), Long.MAX_VALUE);
      Verdict verdict = judge(history, grant, ticket, places.getOrDefault(grant.lock(), List.of()));
      if (verdict.passed() != null) {
        first = passing++ == 0 ? counterexample(grant, ticket, verdict.passed()) : first;
      } else if (verdict.excuse() != null) {
        excused.merge(verdict.excuse(), 1L, Long::sum);
      }
    }
    long answers = history.queued().stream().filter(Operation::isOk).count();
    if (answers == 0) {
      return new CheckResult("C7", "first in, first out (fair lock)", 0, "not judged: no busy answer named a place"
          + " in line (through the lock service, waits happen in the service, whose answers name none)", List.of(), true);
    }
    String summary = String.format("%d of %d grants passed a waiter in line (%d busy answers named %d places); "
        + "excused by faults that lose the line: %s", passing, history.grants().size(), answers,
        places.values().stream().mapToInt(List::size).sum(), LeaseLoss.byKind(excused));
    return new CheckResult("C7", "first in, first out (fair lock)", passing, summary, first, true);
  }

  /** A grant's verdict: the first place it passed without excuse, else the first fault that excuses a passing. */
  private record Verdict(Place passed, FaultKind excuse) { }

  private static Verdict judge(History history, Operation grant, long ticket, List<Place> line) {
    FaultKind excuse = null;
    for (Place place : line) {
      if (place.acquireInvoke >= grant.complete()) {
        break; // sorted by acquire invoke: this waiter and all later ones began after the grant
      }
      if (passedBy(place, grant, ticket)) {
        FaultKind fault = lineLoss(history, place);
        if (fault == null) {
          return new Verdict(place, null);
        }
        excuse = excuse == null ? fault : excuse;
      }
    }
    return new Verdict(null, excuse);
  }

  /* Whether this place was ahead of the grant's owner before the grant and still in line after it. */
  private static boolean passedBy(Place place, Operation grant, long grantTicket) {
    if (place.owner.equals(grant.owner()) || place.lastInvoke <= grant.complete()) {
      return false;
    }
    boolean before = grantTicket != Long.MAX_VALUE ? place.ticket < grantTicket : place.firstAnswer < grant.invoke();
    return before;
  }

  private static FaultKind lineLoss(History history, Place place) {
    return history.faults().stream()
        .filter(f -> f.kind().explainsOverlap() && f.overlaps(place.firstInvoke, place.lastAnswer))
        .map(FaultWindow::kind).findFirst().orElse(null);
  }

  /* Each waiter's places by lock, sorted by the waiter's acquire invoke. */
  private static Map<String, List<Place>> places(History history, Map<String, Long> acquireInvokes) {
    Map<String, Place> byOwnerAndTicket = new LinkedHashMap<>();
    for (Operation answer : history.queued()) {
      if (!answer.isOk()) {
        continue;
      }
      String key = answer.lock() + " " + answer.owner() + " " + answer.token();
      long acquireInvoke = acquireInvokes.getOrDefault(answer.owner(), answer.invoke());
      byOwnerAndTicket.computeIfAbsent(key, k -> new Place(answer.owner(), answer.token(), acquireInvoke))
          .add(answer);
    }
    Map<String, List<Place>> byLock = new HashMap<>();
    byOwnerAndTicket.values().forEach(place -> byLock.computeIfAbsent(place.last.lock(), k -> new ArrayList<>())
        .add(place));
    byLock.values().forEach(line -> line.sort(Comparator.comparingLong(place -> place.acquireInvoke)));
    return byLock;
  }

  /* Each owner's ticket in its last busy answer (owners are fresh per acquire, so before its grant). */
  private static Map<String, Long> lastTickets(History history) {
    Map<String, Long> last = new HashMap<>();
    history.queued().stream().filter(Operation::isOk).forEach(answer -> last.put(answer.owner(), answer.token()));
    return last;
  }

  private static List<String> counterexample(Operation grant, long ticket, Place passed) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format("a grant passed a waiter that stayed in line ahead of it (the grant's owner %s; the"
        + " waiter's ticket %d):", ticket == Long.MAX_VALUE ? "never queued" : "had ticket " + ticket, passed.ticket));
    lines.add("  grant:   " + grant);
    lines.add(String.format("  waiter %s: ticket %d answered from %.3f ms, and again to an attempt sent at %.3f ms,"
        + " after the grant completed:", passed.owner, passed.ticket, passed.firstAnswer / 1e6,
        passed.lastInvoke / 1e6));
    lines.add("  " + passed.last);
    return lines;
  }
}
