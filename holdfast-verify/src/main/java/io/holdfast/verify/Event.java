package io.holdfast.verify;

import java.util.Objects;

/**
 * One line of a history: something a process began (invoke) or learned the outcome of (ok, fail, info), with the
 * time on the checker's monotonic clock.
 *
 * <p>Processes are the workers of the client JVMs ({@code c3w1}: client 3, worker 1), the client JVM itself
 * ({@code c3}, for lease-lost notifications) and the {@code nemesis} that injects faults. A process has at most
 * one operation open at a time, so an invoke is completed by the next completion of the same process, in the
 * order the checker recorded them ({@link #index()}).
 *
 * @param index the position in which the checker recorded the event; also the tie-breaker for equal times
 * @param time nanoseconds since the run started, on the checker's monotonic clock (see {@link TimeMap})
 * @param process who did it
 * @param type invoke, ok, fail or info
 * @param op what was done
 * @param lock the lock name, or for {@link Op#FAULT} the fault kind
 * @param owner the owner token of the grant, or for {@link Op#FAULT} the target; empty when none
 * @param token the fencing token, 0 when none
 * @param until a validity claim: the holder believed its lease valid until this time (0 when it made none)
 * @param note a free-form detail: an error, a lost reason, fault parameters; empty when none
 */
record Event(long index, long time, String process, Type type, Op op, String lock, String owner, long token,
    long until, String note) {

  /** Whether an event starts or ends an operation, and how it ended. */
  enum Type {
    /** The process began the operation. */
    INVOKE,
    /** It took effect. */
    OK,
    /** It definitely did not take effect. */
    FAIL,
    /** Nobody knows whether it took effect (timeout, crash): it may do so at any time after its invoke. */
    INFO
  }

  /** What a process did. */
  enum Op {
    ACQUIRE, RENEW, RELEASE, WRITE,
    /** A lease-lost notification; a single INFO event, not an operation. */
    LOST,
    /** A fault: invoke when injected, ok when healed. */
    FAULT,
    /**
     * A fair waiter's attempt that Redis answered busy with its place in line: invoke when sent (until: the place
     * lasts at least that long), ok when answered, token the ticket. Reported by the client JVM's process; kept out
     * of the lock operations (History#queued).
     */
    QUEUED
  }

  Event {
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(op, "op");
    lock = lock == null ? "" : lock;
    owner = owner == null ? "" : owner;
    note = note == null ? "" : note;
  }

  /** The same event at another position and time, for the recorder that stamps and numbers events. */
  Event at(long newIndex, long newTime) {
    return new Event(newIndex, newTime, process, type, op, lock, owner, token, until, note);
  }

  boolean isCompletion() {
    return type != Type.INVOKE;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%10.3f ms  %-7s %-6s %-7s", time / 1e6, process, type.name().toLowerCase(),
        op.name().toLowerCase()));
    if (!lock.isEmpty()) {
      out.append(' ').append(lock);
    }
    if (token != 0) {
      out.append(" token=").append(token);
    }
    if (!owner.isEmpty()) {
      out.append(" owner=").append(owner);
    }
    if (until != 0) {
      out.append(String.format(" valid-until=%.3f ms", until / 1e6));
    }
    if (!note.isEmpty()) {
      out.append(" (").append(note).append(')');
    }
    return out.toString();
  }
}
