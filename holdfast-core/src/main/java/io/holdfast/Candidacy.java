package io.holdfast;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/*
 * One campaign and, once it wins, its leadership. Leadership is the campaign's lease; this class adds only the
 * listener contract: elected exactly once, then lost exactly once, in that order. Why that holds: every transition
 * (won, lease lost, resigned, client closing, withdrawn) happens under this object's monitor, and each one's event is
 * queued while the monitor is held onto the client's single listener thread, which runs them in queue order.
 *
 * A grant may race with the caller's cancellation, with its own loss and with the client's close. A grant whose
 * future was already cancelled is withdrawn silently and its lease given back. Otherwise the leadership is announced
 * (and registered to end when the client closes) under the monitor before the campaign's future is completed
 * outside it (that runs the caller's callbacks), so a caller that closes its client right after its campaign
 * returned still hears "elected" then "lost CLIENT_CLOSED" (the race that ElectionContractTest caught on a loaded
 * machine). A cancel that lands between the two ends the announced leadership as a resignation. A loss while
 * campaigning waits for the announcement (pendingLoss).
 */
final class Candidacy implements Leadership {
  private enum State { CAMPAIGNING, LEADER, ENDED }

  private final LockClient client;
  private final LockName election;
  private final OwnerToken owner;
  private final String value;
  private final LeadershipListener listener;
  private final Runnable onClientClose = () -> end(LeadershipLoss.CLIENT_CLOSED);
  private State state = State.CAMPAIGNING;
  private boolean announced;
  private LeadershipLoss pendingLoss;
  private volatile Lease lease;
  private volatile boolean ended;

  Candidacy(LockClient client, LockName election, CampaignRequest request) {
    this.client = client;
    this.election = election;
    this.value = request.value();
    this.owner = Leader.candidate(request.value());
    this.listener = request.listener();
  }

  AcquireRequest acquireRequest(CampaignRequest request) {
    return request.toAcquire(election, owner, (lost, reason) -> end(LeadershipLoss.of(reason)));
  }

  /** The campaign ended without a grant (failed, timed out, cancelled): nothing to announce. */
  synchronized void withdraw() {
    if (state == State.CAMPAIGNING) {
      state = State.ENDED;
      ended = true;
    }
  }

  /**
   * The backend granted the lock: announces the leadership, then completes {@code result}; gives the lease back
   * when the campaign was withdrawn or the future already cancelled.
   *
   * <p>Why announce first: a caller whose campaign returned may close its client at once, and the close must find
   * this leadership among the things to end (whenClosing) with its "elected" already queued, so that the listener
   * hears "elected" then "lost CLIENT_CLOSED". A cancel that lands between the announcement and the completion
   * ends the leadership as a resignation: the listener then hears "elected" then "lost RESIGNED", still once each.
   */
  void granted(Lease granted, CompletableFuture<Optional<Leadership>> result) {
    synchronized (this) {
      if (state != State.CAMPAIGNING || result.isDone()) {
        state = State.ENDED;
        ended = true;
        giveBack(granted);
        return;
      }
      lease = granted;
      state = State.LEADER;
      announced = true;
      client.whenClosing(onClientClose);
      client.runListener(() -> listener.elected(this), "elected", election);
      if (pendingLoss != null) {
        end(pendingLoss);
      }
    }
    if (!result.complete(Optional.of(this))) {
      end(LeadershipLoss.RESIGNED);
      giveBack(granted);
    }
  }

  /** Ends the leadership once; a loss before the announcement waits for it. */
  private synchronized boolean end(LeadershipLoss loss) {
    if (state == State.CAMPAIGNING || (state == State.LEADER && !announced)) {
      if (pendingLoss == null) {
        pendingLoss = loss;
      }
      return false;
    }
    if (state == State.ENDED) {
      return false;
    }
    state = State.ENDED;
    ended = true;
    client.notWhenClosing(onClientClose);
    client.runListener(() -> listener.lost(this, loss), "lost (" + loss + ")", election);
    return true;
  }

  private void giveBack(Lease granted) {
    granted.releaseAsync().exceptionally(failure -> null);
  }

  @Override
  public LockName election() {
    return election;
  }

  @Override
  public String value() {
    return value;
  }

  @Override
  public OwnerToken owner() {
    return owner;
  }

  @Override
  public FencingToken term() {
    return lease.fencingToken();
  }

  @Override
  public boolean isLeader() {
    return !ended && lease.isValid();
  }

  @Override
  public Duration remainingValidity() {
    return ended ? Duration.ZERO : lease.remainingValidity();
  }

  @Override
  public void resign() {
    Failures.join(resignAsync(), "resignation from election '" + election + "'");
  }

  /*
   * The lease is released whatever the state: after a loss the backend may still hold it (UNCONFIRMED), and only its
   * owner can free it before its TTL. The backend's answer is reported as the lease's release reports it, so that a
   * term that was not exclusive to the end (the backend no longer held it) is not passed off as a clean resignation.
   */
  @Override
  public CompletableFuture<Void> resignAsync() {
    end(LeadershipLoss.RESIGNED);
    return client.release((HeldLease) lease, true);
  }

  @Override
  public void close() {
    resign();
  }

  @Override
  public String toString() {
    return "Leadership[election=" + election + ", value=" + value + ", term=" + lease.fencingToken() + ", leader="
        + isLeader() + "]";
  }
}
