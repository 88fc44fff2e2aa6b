package io.holdfast.internal;

import io.holdfast.DeadlockException;
import io.holdfast.DeadlockVictim;
import io.holdfast.WaitCycle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Deadlock detection for one wait, plugged into the WaitLoop (Attempts.armed), so the library's acquire and the
 * lock service's waiting acquire run the same code; nothing of it runs unless an attempt was answered busy, so an
 * acquire that does not wait pays nothing.
 *
 * Each time the wait is armed or re-armed (after a busy answer: the first one, and every one after a wake-up or a
 * re-check timer) it records its edge first, then searches (CycleSearch). Recording before searching is what makes
 * a race safe: of two members closing one cycle at the same instant, the later recorder's search sees the earlier
 * edge, and possibly both see each other; the victim rule (DeadlockVictim) then decides. A member that found a
 * cycle but is not the victim keeps waiting; the victim finds the cycle at its own next re-arm. A cycle missed
 * because of a race is found at a later re-arm, within the re-check interval.
 *
 * The edge lasts until the wait's deadline plus a margin, never past it, and is removed when the wait ends in any
 * way (ended()), so a crashed waiter's edge disappears by itself. Graph failures never fail the wait: detection is
 * a shortcut to the outcome of a wait that would run out anyway, so a failed check just means "no cycle known".
 * Thread-safety: the loop arms one wait at a time (one attempt in flight), so armed() is never concurrent with
 * itself; ended() may race with it and at worst removes an edge that a late record() then refreshes until its TTL.
 */
/** Not an API: deadlock detection for one wait (see the design note in the source). */
public final class DeadlockCheck {
  /** How detection is set up for a client or a server: the shared graph and the victim rule. */
  public record Detection(WaitForGraph graph, DeadlockVictim victim) {
    /** Validates the setting. */
    public Detection {
      java.util.Objects.requireNonNull(graph, "graph");
      java.util.Objects.requireNonNull(victim, "victim");
    }
  }

  private static final Logger log = LoggerFactory.getLogger(DeadlockCheck.class);
  private static final Duration EDGE_MARGIN = Duration.ofSeconds(1);

  private final Detection detection;
  private final String party;
  private final String lock;
  private final String lockShown;
  private final UnaryOperator<String> shown;
  private volatile boolean recorded;
  private volatile boolean ended;

  /**
   * Detection for {@code party}'s wait for {@code lock} as the graph names it; {@code shown} turns a graph lock
   * name into the name the caller knows (the lock service's names are scoped by tenant in the graph).
   */
  public DeadlockCheck(Detection detection, String party, String lock, UnaryOperator<String> shown) {
    this.detection = detection;
    this.party = party;
    this.lock = lock;
    this.shown = shown;
    this.lockShown = shown.apply(lock);
  }

  /**
   * The wait is armed with {@code remainingWait} left: records the edge and searches. Completes normally when this
   * wait may go on, exceptionally with {@link DeadlockException} when it is the victim of a cycle.
   */
  public CompletableFuture<Void> armed(Duration remainingWait) {
    recorded = true; // before reading ended: an ended() that missed it has run before, and this returns
    if (ended) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Long> recording;
    try {
      recording = detection.graph().record(party, lock, remainingWait.plus(EDGE_MARGIN));
    } catch (RuntimeException notConnected) {
      recording = CompletableFuture.failedFuture(notConnected);
    }
    return recording.thenCompose(started -> new CycleSearch(detection.graph()).find(party, lock, started))
        .<Void>handle((found, failure) -> {
          if (failure != null) {
            log.debug("deadlock check of '{}' for {} failed; checking again at the next re-arm: {}", lockShown,
                party, failure.toString());
            return null;
          }
          found.flatMap(this::victimized).ifPresent(e -> {
            throw e;
          });
          return null;
        });
  }

  private Optional<DeadlockException> victimized(CycleSearch.Found found) {
    if (detection.victim() == DeadlockVictim.YOUNGEST && !found.youngest().equals(party)) {
      log.debug("wait of {} for '{}' is in a cycle whose victim is {}: waiting on", party, lockShown,
          found.youngest());
      return Optional.empty();
    }
    WaitCycle cycle = new WaitCycle(found.cycle().steps().stream()
        .map(step -> new WaitCycle.Step(step.owner(), shown.apply(step.lock()))).toList());
    return Optional.of(new DeadlockException("acquire of lock '" + lockShown + "' by " + party
        + " would deadlock: " + cycle, cycle));
  }

  /** The wait ended (granted, failed, timed out, cancelled): removes its edge if one was recorded. */
  public void ended() {
    ended = true;
    if (recorded) {
      try {
        detection.graph().remove(party, lock).exceptionally(e -> null);
      } catch (RuntimeException notConnected) {
        log.debug("wait edge of {} for '{}' not removed; it expires with the wait: {}", party, lockShown,
            notConnected.toString());
      }
    }
  }
}
