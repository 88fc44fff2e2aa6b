package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.util.ArrayList;
import java.util.List;

/** Builds hand-written histories for checker tests; times are in milliseconds. */
final class HistoryBuilder {
  private final List<Event> events = new ArrayList<>();

  static long ms(double millis) {
    return (long) (millis * 1_000_000);
  }

  HistoryBuilder event(double at, String process, Type type, Op op, String lock, String owner, long token,
      double untilMs, String note) {
    long until = untilMs <= 0 ? 0 : ms(untilMs);
    events.add(new Event(events.size(), ms(at), process, type, op, lock, owner, token, until, note));
    return this;
  }

  /** A successful acquire of {@code lock} by {@code process} as owner {@code owner}. */
  HistoryBuilder grant(String process, String lock, String owner, long token, double invoke, double ok) {
    return grant(process, lock, owner, token, invoke, ok, 0);
  }

  HistoryBuilder grant(String process, String lock, String owner, long token, double invoke, double ok,
      double validUntil) {
    event(invoke, process, Type.INVOKE, Op.ACQUIRE, lock, owner, 0, 0, "");
    return event(ok, process, Type.OK, Op.ACQUIRE, lock, owner, token, validUntil, "");
  }

  HistoryBuilder acquireFails(String process, String lock, String owner, double invoke, double failed) {
    event(invoke, process, Type.INVOKE, Op.ACQUIRE, lock, owner, 0, 0, "");
    return event(failed, process, Type.FAIL, Op.ACQUIRE, lock, owner, 0, 0, "busy");
  }

  HistoryBuilder acquireUnknown(String process, String lock, String owner, double invoke, double info) {
    event(invoke, process, Type.INVOKE, Op.ACQUIRE, lock, owner, 0, 0, "");
    return event(info, process, Type.INFO, Op.ACQUIRE, lock, owner, 0, 0, "timeout");
  }

  HistoryBuilder op(Op op, Type outcome, String process, String lock, String owner, long token, double invoke,
      double done) {
    event(invoke, process, Type.INVOKE, op, lock, owner, token, 0, "");
    return event(done, process, outcome, op, lock, owner, token, 0, "");
  }

  HistoryBuilder release(String process, String lock, String owner, long token, double invoke, double ok) {
    return op(Op.RELEASE, Type.OK, process, lock, owner, token, invoke, ok);
  }

  HistoryBuilder renew(String process, String lock, String owner, long token, double invoke, double ok) {
    return op(Op.RENEW, Type.OK, process, lock, owner, token, invoke, ok);
  }

  /** A write the resource decided: accepted or rejected, with an optional validity claim. */
  HistoryBuilder write(String process, String lock, String owner, long token, double invoke, double decided,
      boolean accepted, double claimUntil) {
    event(invoke, process, Type.INVOKE, Op.WRITE, lock, owner, token, claimUntil, "");
    return event(decided, process, accepted ? Type.OK : Type.FAIL, Op.WRITE, lock, owner, token, 0, "");
  }

  HistoryBuilder fault(FaultKind kind, String target, double start, double end) {
    event(start, "nemesis", Type.INVOKE, Op.FAULT, kind.cliName(), target, 0, 0, "test");
    return event(end, "nemesis", Type.OK, Op.FAULT, kind.cliName(), target, 0, 0, "healed");
  }

  HistoryBuilder lost(double at, String client, String lock, String owner, long token, String reason) {
    return event(at, client, Type.INFO, Op.LOST, lock, owner, token, 0, reason);
  }

  /** A fair attempt of {@code owner} sent and answered busy with place {@code ticket}, reported by its client. */
  HistoryBuilder queued(String client, String lock, String owner, long ticket, double sent, double answered) {
    event(sent, client, Type.INVOKE, Op.QUEUED, lock, owner, ticket, sent + 2000, "");
    return event(answered, client, Type.OK, Op.QUEUED, lock, owner, ticket, 0, "");
  }

  History build() {
    return new History(events);
  }
}
