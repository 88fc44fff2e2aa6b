package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.util.HashMap;
import java.util.Map;

/*
 * The shared resource the workload writes to, living in the checker. It accepts a write only with a fencing token
 * at least as high as any it has accepted for that lock: the rule that keeps writes correct when a lease is lost
 * without its holder knowing. Equal tokens are the same grant writing again.
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
  private final Map<String, Long> highest = new HashMap<>();
  private long accepted;
  private long rejected;

  FencedResource(Recorder recorder, boolean ignoreFencing) {
    this.recorder = recorder;
    this.ignoreFencing = ignoreFencing;
  }

  synchronized Decision write(String process, String lock, String owner, long token, long invokeTime,
      long until) {
    recorder.record(new Event(0, 0, process, Type.INVOKE, Op.WRITE, lock, owner, token, until, ""), invokeTime);
    long max = highest.getOrDefault(lock, 0L);
    boolean accept = ignoreFencing || token >= max;
    if (accept) {
      accepted++;
      highest.put(lock, Math.max(max, token));
    } else {
      rejected++;
    }
    String note = accept ? "" : "stale: highest accepted token " + max;
    recorder.record(new Event(0, 0, process, accept ? Type.OK : Type.FAIL, Op.WRITE, lock, owner, token, 0,
        note));
    return new Decision(accept, Math.max(max, token));
  }

  synchronized long accepted() {
    return accepted;
  }

  synchronized long rejected() {
    return rejected;
  }
}
