package io.holdfast;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A leader election over one lock, in the shape of etcd's election API and Curator's {@code LeaderLatch}: candidates
 * {@link #campaign campaign}, the one that holds the election's lock is the leader, and anyone may ask who leads
 * ({@link #leader()}) or follow it ({@link #observe}). Get one with {@link Holdfast#election(String)}.
 *
 * <p><b>Built on the lock, nothing more.</b> Leadership is holding the lock named {@link #name()}; every rule of the
 * lock applies unchanged: the backend (Redis, the lock service or the embedded store) grants it to one owner at a
 * time and times the lease; the leader's lease is renewed in the client's batched renewal; the grant's fencing
 * token is the leader's <em>term</em>, so terms only grow, across resignations, expiries and crashes. An election
 * works on every backend and topology a lock works on, and costs what a lock costs (docs/election.md).
 *
 * <p><b>What a leader can rely on.</b> {@link Leadership#isLeader()} turns false no later than the backend can grant
 * the lock to another candidate (the lease's local validity deadline, as for a {@link Lease}); the
 * {@link LeadershipListener} is told when leadership ends. A leader paused longer than its lease (GC, stopped VM) can
 * still act after a new leader was elected: pass {@link Leadership#term()} to the resources it writes and let them
 * refuse older terms ({@link FenceGuard}).
 *
 * <p>Thread-safe; campaigns of one election may run from any number of threads and clients. Each campaign is a fresh
 * owner, so two campaigns in the same process contend like two processes.
 */
public interface Election {
  /**
   * The election's name, which is also the name of the lock that carries it: {@code holdfast lock inspect NAME}
   * shows the leader.
   *
   * @return never null
   */
  LockName name();

  /**
   * Campaigns until elected, waiting up to the request's {@link CampaignRequest#waitTimeout()}.
   *
   * @param request the candidate's value, lease TTL, wait and listener
   * @return the leadership, already told to the listener as {@link LeadershipListener#elected}
   * @throws LockWaitTimeoutException when a finite wait ran out while another candidate led
   * @throws BackendUnavailableException when the wait ran out while the backend was unreachable
   * @throws HoldfastException with {@link ErrorCode#INTERRUPTED} when interrupted (the flag is set again; nothing is
   *     left held)
   */
  Leadership campaign(CampaignRequest request);

  /**
   * Campaigns until elected or the request's wait runs out.
   *
   * @param request the candidate's value, lease TTL, wait and listener
   * @return the leadership, or empty when another candidate led for the whole wait
   * @throws BackendUnavailableException when the wait ran out while the backend was unreachable
   */
  Optional<Leadership> tryCampaign(CampaignRequest request);

  /**
   * Asynchronous {@link #campaign}: never blocks the caller. Cancelling the future withdraws the candidate: if it was
   * elected in the same instant, the leadership is given back at once and its listener is never told.
   *
   * @param request the candidate's value, lease TTL, wait and listener
   * @return completes with the leadership, or exceptionally as {@link #campaign} throws
   */
  CompletableFuture<Leadership> campaignAsync(CampaignRequest request);

  /**
   * Who leads right now, as the backend sees it (one inspect of the lock). A snapshot that may be stale when read:
   * for display, routing and diagnosis, never to decide who may write (that is what terms are for).
   *
   * @return the leader, or empty while nobody leads
   * @throws BackendUnavailableException when the backend stays unreachable past the retry budget
   */
  Optional<Leader> leader();

  /**
   * Follows the leader: {@code observer} is told the current leader (or that there is none) once the observation is
   * live, and again after each change of leader or term. A resignation or release wakes the observation at once (the
   * lock's release messages, shared with this client's waiters); a lease that expired without a release, and a new
   * leader elected into a vacancy, are seen on re-checks bounded by the holder's remaining lease and by
   * {@link HoldfastOptions#recheckInterval()}. Consecutive calls never report the same leader and term twice, but a
   * leader that came and went between two checks may never be reported.
   *
   * @param observer called on the client's listener thread, one call at a time; must not block
   * @return the live observation; close it to stop
   */
  Observation observe(LeaderObserver observer);

  /** A live {@link #observe observation}; closing it stops the calls. */
  interface Observation extends AutoCloseable {
    /** Stops observing; idempotent, never throws. A call already queued may still arrive. */
    @Override
    void close();
  }
}
