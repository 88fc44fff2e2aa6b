package io.holdfast.cli;

import io.holdfast.AcquireRequest;
import io.holdfast.ErrorCode;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.Lease;
import io.holdfast.LeaseLostException;
import io.holdfast.LockName;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/*
 * One node of the simulated fleet: its own Holdfast client on its own platform thread, looping until the fleet
 * stops. Each round picks a lock, tries to acquire it, and then behaves in one of three ways:
 *  - normal: a few fenced writes with short pauses, then release (auto-renewed, though it rarely needs it);
 *  - crash: one write, then the node "dies" holding the lease. It was acquired without auto-renewal, so only
 *    expiry can free the lock. After a restart pause longer than the TTL, the harness confirms with the dead
 *    client that the backend expired the lease (a token-checked release must fail with LeaseLostException),
 *    closes it and the node carries on with a fresh client;
 *  - stall: one write, then a pause past the TTL while holding (a GC pause, a frozen VM), one more write, which
 *    the resource must refuse if another node took the lock and wrote meanwhile, and a release that must fail
 *    with LeaseLostException.
 * The node's random choices come from its own SplittableRandom, so --seed reproduces them (thread timing and
 * therefore the interleaving still vary).
 *
 * Stopping is by interrupt: every blocking call here is interruptible, and Holdfast turns an interrupted wait into
 * an INTERRUPTED exception with the flag set again, which ends the loop. Whatever the node still holds is
 * released by closing its client.
 */
final class SimulatedNode implements Runnable {
  private enum Behaviour { NORMAL, CRASH, STALL }

  private final int id;
  private final DemoSettings settings;
  private final Fleet fleet;
  private final FencedResource resource;
  private final DemoStats stats;
  private final SplittableRandom random;
  private final LockName[] locks;
  private Holdfast client;
  private int restarts;
  private boolean closing; // guarded by this

  SimulatedNode(int id, Holdfast client, Fleet fleet, FencedResource resource, DemoStats stats,
      SplittableRandom random) {
    this.id = id;
    this.client = client;
    this.fleet = fleet;
    this.settings = fleet.settings();
    this.resource = resource;
    this.stats = stats;
    this.random = random;
    this.locks = new LockName[settings.locks()];
    for (int i = 0; i < locks.length; i++) {
      locks[i] = LockName.of(settings.lockName(i));
    }
  }

  static String clientName(int id, int restarts) {
    return restarts == 0 ? "demo-node-" + id : "demo-node-" + id + "-restart-" + restarts;
  }

  @Override
  public void run() {
    try {
      while (fleet.running() && !Thread.currentThread().isInterrupted()) {
        round();
      }
    } catch (InterruptedException e) {
      // The stop signal; the thread ends below, so the flag has no one left to tell.
    } finally {
      // From here on no stop interrupt may arrive, and the one that ended the loop is cleared: close() waits for
      // its releases and the connection shutdown, and an interrupted wait would give up on both.
      beginClosing();
      Thread.interrupted();
      Fleet.closeQuietly(client);
    }
  }

  /** Interrupts {@code runner}, the thread running this node, unless the node is already closing its client. */
  synchronized void interrupt(Thread runner) {
    if (!closing) {
      runner.interrupt();
    }
  }

  private synchronized void beginClosing() {
    closing = true;
  }

  private void round() throws InterruptedException {
    LockName lock = locks[random.nextInt(locks.length)];
    Behaviour behaviour = pickBehaviour();
    AcquireRequest request = AcquireRequest.of(lock.value(), settings.ttl()).withWait(settings.acquireWait());
    if (behaviour != Behaviour.NORMAL) {
      request = request.withoutAutoRenew();
    }
    Optional<Lease> granted = acquire(request);
    if (granted.isEmpty()) {
      return;
    }
    Lease lease = granted.get();
    switch (behaviour) {
      case CRASH -> crash(lease);
      case STALL -> stall(lease);
      default -> work(lease);
    }
  }

  private Behaviour pickBehaviour() {
    double roll = random.nextDouble();
    if (roll < settings.crashRate()) {
      return Behaviour.CRASH;
    }
    return roll < settings.crashRate() + settings.stallRate() ? Behaviour.STALL : Behaviour.NORMAL;
  }

  private Optional<Lease> acquire(AcquireRequest request) throws InterruptedException {
    long releasedBefore = resource.releasedWatermark(request.name());
    stats.acquireStarted();
    long started = System.nanoTime();
    Optional<Lease> lease;
    try {
      lease = client.tryAcquire(request);
    } catch (HoldfastException e) {
      stats.acquireAborted();
      afterFailure(e);
      return Optional.empty();
    }
    if (lease.isEmpty()) {
      stats.timedOut();
      return lease;
    }
    stats.granted(System.nanoTime() - started);
    Lease held = lease.get();
    resource.granted(held.name(), held.owner(), held.fencingToken(), releasedBefore);
    return lease;
  }

  private void work(Lease lease) throws InterruptedException {
    long grantedAt = System.nanoTime();
    int writes = 2 + random.nextInt(3);
    for (int i = 0; i < writes; i++) {
      resource.write(lease);
      pause(1 + random.nextLong(settings.maxWritePauseMillis()));
    }
    try {
      lease.release();
      resource.released(lease);
      stats.held(System.nanoTime() - grantedAt);
    } catch (LeaseLostException e) {
      // Renewal could not keep up (a starved JVM): the lease expired under a normal hold.
      stats.leaseExpired();
    } catch (HoldfastException e) {
      afterFailure(e);
    }
    // Think time: without it the releasing node, already on a CPU, would win the lock back before any waiter.
    pause(random.nextLong(2 * settings.maxWritePauseMillis() + 1));
  }

  private void crash(Lease lease) throws InterruptedException {
    stats.crashed();
    resource.write(lease);
    Holdfast dead = client;
    long ttlMillis = settings.ttl().toMillis();
    pause(ttlMillis + ttlMillis / 2 + random.nextLong(ttlMillis / 2 + 1));
    confirmExpired(lease);
    client = null;
    Fleet.closeQuietly(dead);
    client = restart();
  }

  private void stall(Lease lease) throws InterruptedException {
    stats.stalled();
    resource.write(lease);
    long ttlMillis = settings.ttl().toMillis();
    pause(ttlMillis + ttlMillis / 5 + random.nextLong(ttlMillis / 2 + 1));
    resource.write(lease);
    confirmExpired(lease);
  }

  /* After more than its TTL without renewal the backend must have expired the lease. */
  private void confirmExpired(Lease lease) throws InterruptedException {
    try {
      lease.release();
      stats.leaseOutlivedTtl();
      resource.released(lease);
    } catch (LeaseLostException expected) {
      stats.leaseExpired();
    } catch (HoldfastException e) {
      afterFailure(e);
    }
  }

  /* A fresh client, as a restarted process would make; retried while the backend is unreachable. */
  private Holdfast restart() throws InterruptedException {
    while (true) {
      restarts++;
      try {
        return fleet.connect(clientName(id, restarts));
      } catch (CliFailure e) {
        stats.error();
        pause(settings.ttl().toMillis());
      }
      if (!fleet.running()) {
        throw new InterruptedException("fleet stopped while node " + id + " was restarting");
      }
    }
  }

  /*
   * Ends the node when the failure was the stop itself (which is not an error), else counts the error and backs
   * off briefly so that a node does not spin against a backend that is down.
   */
  private void afterFailure(HoldfastException e) throws InterruptedException {
    if (e.code() == ErrorCode.INTERRUPTED || e.code() == ErrorCode.CLOSED || Thread.interrupted()) {
      throw new InterruptedException("node " + id + " stopped: " + e.getMessage());
    }
    stats.error();
    pause(Math.min(100, settings.ttl().toMillis()));
  }

  private static void pause(long millis) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(millis);
  }
}
