package io.holdfast.verify;

import io.holdfast.FenceGuard;
import io.holdfast.FencingToken;
import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.util.HashMap;
import java.util.Map;

/*
 * The shared resource the workload writes to, living in the checker. It accepts a write only with a fencing token
 * at least as high as any it has accepted for that lock: the rule that keeps writes correct when a lease is lost
 * without its holder knowing, decided by the library's own FenceGuard (one per lock), as a user's resource would.
 *
 * Each decision is recorded (invoke with the client's stamp, then ok = accepted or fail = rejected as stale) while
 * this object's monitor is held, so the history lists decisions in the order they were made; C1 re-checks that
 * order independently of this class. The ignoreFencing flag turns it into a negative control that accepts every
 * write, which C1 must catch.
 */
final class FencedResource {
  /** What the resource decided. */
  record Decision(boolean accepted, long highestToken) { }

  private final Recorder recorder;
  private final boolean ignoreFencing;
  private final Map<String, FenceGuard> guards = new HashMap<>();
  private long accepted;
  private long rejected;

  FencedResource(Recorder recorder, boolean ignoreFencing) {
    this.recorder = recorder;
    this.ignoreFencing = ignoreFencing;
  }

  synchronized Decision write(String process, String lock, String owner, long token, long invokeTime,
      long until) {
    recorder.record(new Event(0, 0, process, Type.INVOKE, Op.WRITE, lock, owner, token, until, ""), invokeTime);
    FenceGuard guard = guards.computeIfAbsent(lock, name -> new FenceGuard());
    long max = highest(guard);
    // The shipped guard decides (the same rule a user's resource applies); the control ignores its verdict.
    boolean fenced = token > 0 && guard.admit(new FencingToken(token));
    boolean accept = ignoreFencing || fenced;
    if (accept) {
      accepted++;
    } else {
      rejected++;
    }
    String note = accept ? "" : "stale: highest accepted token " + max;
    recorder.record(new Event(0, 0, process, accept ? Type.OK : Type.FAIL, Op.WRITE, lock, owner, token, 0,
        note));
    return new Decision(accept, Math.max(max, token));
  }

  private static long highest(FenceGuard guard) {
    return guard.highest().map(FencingToken::value).orElse(0L);
  }

  synchronized long accepted() {
    return accepted;
  }

  synchronized long rejected() {
    return rejected;
  }
}
