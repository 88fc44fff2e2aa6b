package io.holdfast.server;

import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.LockInfo;
import io.holdfast.api.v1.SessionInfo;
import io.holdfast.api.v1.Waiter;
import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.Granted;
import io.holdfast.server.StoreViews.ClientFacts;
import io.holdfast.server.StoreViews.LockView;
import io.holdfast.server.StoreViews.SessionView;
import io.holdfast.server.StoreViews.WaiterView;

/* Converts store views into wire messages, in one place. Stateless. */
final class Wire {
  private Wire() { }

  static AcquireResponse acquired(AcquireResult result) {
    if (result instanceof Granted granted) {
      return AcquireResponse.newBuilder().setAcquired(true).setFencingToken(granted.token())
          .setHoldCount(granted.holds()).setWaitedMs(granted.waited().toMillis()).build();
    }
    Busy busy = (Busy) result;
    return AcquireResponse.newBuilder().setAcquired(false).setHolderRemainingMs(busy.remaining().toMillis())
        .setLockDelayed(busy.delayed()).build();
  }

  static LockInfo lock(LockView view) {
    return lock(view, true);
  }

  /** A lock as a listing shows it; {@code withOwner} false leaves the owner token empty (a client's listing). */
  static LockInfo lock(LockView view, boolean withOwner) {
    return lock(view, withOwner, ClientFacts.UNKNOWN);
  }

  /** As {@link #lock(LockView, boolean)}, with what the holder's client said about itself. */
  static LockInfo lock(LockView view, boolean withOwner, ClientFacts client) {
    LockInfo.Builder out = LockInfo.newBuilder()
        .setName(view.name())
        .setHeld(!view.delayed())
        .setDelayed(view.delayed())
        .setOwner(withOwner ? view.owner() : "")
        .setSessionId(view.sessionId())
        .setClientName(view.clientName())
        .setFencingToken(view.token())
        .setHoldCount(view.holds())
        .setAcquiredAtMs(view.acquiredAtMillis())
        .setRemainingMs(view.remaining().toMillis())
        .setClientHost(client.host());
    client.clockOffset().ifPresent(offset -> out.setClockOffsetUs(offset.toNanos() / 1000));
    return out.build();
  }

  /** A waiter as a listing shows it; {@code withOwner} false leaves the owner token empty (a client's listing). */
  static Waiter waiter(WaiterView view, boolean withOwner) {
    return Waiter.newBuilder().setSessionId(view.sessionId()).setOwner(withOwner ? view.owner() : "")
        .setClientName(view.clientName()).setRemainingMs(view.remaining().toMillis()).build();
  }

  static SessionInfo session(SessionView view) {
    SessionInfo.Builder out = SessionInfo.newBuilder().setSessionId(view.id()).setClientName(view.clientName())
        .setTtlMs(view.ttl().toMillis()).setRemainingMs(view.remaining().toMillis())
        .setExpired(view.remaining().isNegative() || view.remaining().isZero())
        .setLockCount(view.lockCount()).setClientHost(view.client().host());
    view.client().clockOffset().ifPresent(offset -> out.setClockOffsetUs(offset.toNanos() / 1000));
    return out.build();
  }
}
