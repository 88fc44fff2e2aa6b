package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;

/**
 * An invoke paired with its completion. An operation whose outcome is unknown ({@link Type#INFO}: it timed out,
 * or its process died or was still waiting when the run ended) may take effect at any time after its invoke, so
 * its {@link #complete()} is {@link Long#MAX_VALUE}.
 *
 * @param process the process that ran it
 * @param op what it was
 * @param lock the lock
 * @param owner the owner token
 * @param token the fencing token (from the ok of an acquire, or the one presented to renew, release or write)
 * @param invoke when it began
 * @param complete when it ended; {@link Long#MAX_VALUE} when unknown
 * @param outcome ok, fail or info
 * @param until the validity claim it carried, 0 if none
 * @param invokeEvent the invoke, for counterexamples
 * @param completion the completion, or null when none arrived
 */
record Operation(String process, Op op, String lock, String owner, long token, long invoke, long complete,
    Type outcome, long until, Event invokeEvent, Event completion) {

  static final long UNKNOWN = Long.MAX_VALUE;

  /** Pairs an invoke with its completion, or with nothing when none arrived. */
  static Operation of(Event invoke, Event completion) {
    if (completion == null || completion.type() == Type.INFO) {
      return new Operation(invoke.process(), invoke.op(), invoke.lock(), invoke.owner(), invoke.token(),
          invoke.time(), UNKNOWN, Type.INFO, invoke.until(), invoke, completion);
    }
    long token = completion.token() != 0 ? completion.token() : invoke.token();
    String owner = completion.owner().isEmpty() ? invoke.owner() : completion.owner();
    long until = Math.max(invoke.until(), completion.until());
    return new Operation(invoke.process(), invoke.op(), invoke.lock(), owner, token, invoke.time(),
        completion.time(), completion.type(), until, invoke, completion);
  }

  /**
   * When the process stopped waiting for the operation: its completion, even an unknown one (a timeout), or
   * never when no completion arrived. Unlike {@link #complete()}, this is about the client, not about the effect.
   */
  long ended() {
    return completion == null ? UNKNOWN : completion.time();
  }

  boolean isOk() {
    return outcome == Type.OK;
  }

  boolean isInfo() {
    return outcome == Type.INFO;
  }

  /** The client JVM of the process: {@code c3} for {@code c3w1}. */
  String client() {
    int worker = process.indexOf('w');
    return worker < 0 ? process : process.substring(0, worker);
  }

  @Override
  public String toString() {
    return invokeEvent + (completion == null ? "  ->  (no completion)" : "  ->  " + completion);
  }
}
