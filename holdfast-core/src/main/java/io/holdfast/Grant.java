package io.holdfast;

import io.holdfast.internal.Deadlines;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/*
 * This client's view of one grant (kind of lease + name + owner + fencing token) and of the local holds on it.
 * Re-entrant acquires in this client share one Grant, so it is renewed once and declared lost once. State moves only
 * forward, ACTIVE -> LOST or ACTIVE -> RELEASED, by compare-and-set, so concurrent renewal results, releases and
 * deadline checks cannot both win. The validity deadline only moves forward (max), because a late reply to an
 * older renewal must not shorten what a newer one confirmed. The deadline is computed when read, from the latest
 * confirmed send and the clock detector's validity scale (below 1 while this host's clock runs slow), so a slow
 * clock found after the last renewal shortens it at once.
 */
final class Grant {
  enum State { ACTIVE, LOST, RELEASED }

  /** A grant's identity; the kind keeps a read hold, a write hold and a permit of one name apart. */
  record Key(LeaseKind kind, LockName name, OwnerToken owner, FencingToken token) {
    Key(LockName name, OwnerToken owner, FencingToken token) {
      this(LeaseKind.LOCK, name, owner, token);
    }
  }

  private final Key key;
  private final Duration ttl;
  private final long driftNanos;
  private final long renewAfterNanos;
  private final long grantedAtNanos;
  private final DoubleSupplier validityScale;
  private final AtomicReference<State> state = new AtomicReference<>(State.ACTIVE);
  private final AtomicInteger localHolds = new AtomicInteger();
  private final List<HeldLease> leases = new CopyOnWriteArrayList<>();
  private volatile long confirmedSentNanos;
  private volatile long renewDueNanos;
  private volatile boolean autoRenew;
  private volatile boolean renewalInFlight;

  Grant(Key key, Duration ttl, HoldfastOptions options, long sentNanos, DoubleSupplier validityScale) {
    this.key = key;
    this.ttl = ttl;
    this.driftNanos = options.driftAllowance(ttl).toNanos();
    this.renewAfterNanos = (long) (ttl.toNanos() * options.renewalFraction());
    this.grantedAtNanos = sentNanos;
    this.validityScale = validityScale;
    this.confirmedSentNanos = sentNanos;
    this.renewDueNanos = sentNanos + scaled(renewAfterNanos);
  }

  private long scaled(long nanos) {
    double scale = validityScale.getAsDouble();
    return scale >= 1 ? nanos : (long) (nanos * scale);
  }

  Key key() {
    return key;
  }

  Duration ttl() {
    return ttl;
  }

  long grantedAtNanos() {
    return grantedAtNanos;
  }

  long renewAfterNanos() {
    return renewAfterNanos;
  }

  /** Records that the backend confirmed the lease (grant, re-entry or renewal) for a request sent then. */
  synchronized void confirmed(long sentNanos) {
    if (sentNanos - confirmedSentNanos > 0) {
      confirmedSentNanos = sentNanos;
    }
    long due = sentNanos + scaled(renewAfterNanos);
    if (due - renewDueNanos > 0) {
      renewDueNanos = due;
    }
  }

  long validUntilNanos() {
    return confirmedSentNanos + scaled(ttl.toNanos()) - driftNanos;
  }

  long renewDueNanos() {
    return renewDueNanos;
  }

  boolean isActive() {
    return state.get() == State.ACTIVE;
  }

  boolean isValidAt(long nowNanos) {
    return isActive() && !Deadlines.passed(validUntilNanos(), nowNanos);
  }

  boolean markLost() {
    return state.compareAndSet(State.ACTIVE, State.LOST);
  }

  boolean markReleased() {
    return state.compareAndSet(State.ACTIVE, State.RELEASED);
  }

  State state() {
    return state.get();
  }

  void addHold(HeldLease lease) {
    localHolds.incrementAndGet();
    leases.add(lease);
    if (lease.autoRenew()) {
      autoRenew = true;
    }
  }

  /** Drops a released hold and says how many this client still has. */
  int removeHold(HeldLease lease) {
    leases.remove(lease);
    return localHolds.decrementAndGet();
  }

  int localHolds() {
    return localHolds.get();
  }

  List<HeldLease> leases() {
    return leases;
  }

  boolean autoRenew() {
    return autoRenew;
  }

  boolean renewalInFlight() {
    return renewalInFlight;
  }

  void renewalInFlight(boolean value) {
    renewalInFlight = value;
  }
}
