package io.holdfast;

import io.holdfast.internal.Deadlines;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Watches every grant of the client: renews the auto-renewed ones in batches, and declares a grant without
 * automatic renewal lost (EXPIRED) at its validity deadline, so that its listener fires as for any other loss.
 * One tick every P = renewalFraction * (shortest auto-renewed TTL) renews each auto-renewed grant whose renewal
 * falls due before the next tick, in one backend call per batch (and per kind of lease: LeaseKind). Grants
 * of equal TTL therefore line up after their first renewal and a client holding 10,000 of them makes one call
 * per period, not 10,000. Each grant is renewed no later than its due time, so at least (1 - fraction) of its
 * TTL remains when a renewal is sent.
 *
 * Ticks also run at the earliest validity deadline, so a grant whose renewal cannot be confirmed in time (the
 * backend is paused or partitioned and the call is still hanging) is declared lost at its deadline, not when the
 * call finally times out. Ticks run only on the client's single scheduler thread; grants are shared with backend
 * callback threads through Grant's volatile fields and CAS transitions.
 */
final class RenewalScheduler {
  private static final Logger log = LoggerFactory.getLogger(RenewalScheduler.class);

  private final LockClient client;
  private final LockBackend backend;
  private final ScheduledExecutorService scheduler;
  private final ClockWatch clock;
  private final Set<Grant> tracked = ConcurrentHashMap.newKeySet();
  private ScheduledFuture<?> nextTick;
  private long nextTickAt;
  private volatile int failuresInARow;
  private volatile boolean stopped;

  RenewalScheduler(LockClient client, LockBackend backend, ScheduledExecutorService scheduler, ClockWatch clock) {
    this.client = client;
    this.backend = backend;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** Watches the grant; called again on re-entry, when a hold with automatic renewal may have joined it. */
  void track(Grant grant) {
    tracked.add(grant);
    tickNoLaterThan(grant.autoRenew() ? grant.renewDueNanos() : grant.validUntilNanos());
  }

  void untrack(Grant grant) {
    tracked.remove(grant);
  }

  void stop() {
    stopped = true;
    synchronized (this) {
      if (nextTick != null) {
        nextTick.cancel(false);
      }
    }
  }

  private synchronized void tickNoLaterThan(long atNanos) {
    if (stopped) {
      return;
    }
    if (nextTick != null && !nextTick.isDone() && nextTickAt - atNanos <= 0) {
      return;
    }
    if (nextTick != null) {
      nextTick.cancel(false);
    }
    nextTickAt = atNanos;
    long delay = Math.max(0, atNanos - System.nanoTime());
    try {
      nextTick = scheduler.schedule(this::tick, delay, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      stopped = true;
    }
  }

  private void tick() {
    synchronized (this) {
      nextTick = null; // this tick is running: the next one must be scheduled afresh
    }
    long now = System.nanoTime();
    long period = Long.MAX_VALUE;
    long untilEarliestDeadline = TimeUnit.DAYS.toNanos(1);
    List<Grant> due = new ArrayList<>();
    for (Grant grant : tracked) {
      if (grant.autoRenew()) {
        period = Math.min(period, grant.renewAfterNanos());
      }
    }
    for (Grant grant : tracked) {
      if (!grant.isActive()) {
        tracked.remove(grant);
      } else if (Deadlines.passed(grant.validUntilNanos(), now)) {
        client.declareLost(grant, grant.autoRenew() ? LeaseLostReason.UNCONFIRMED : LeaseLostReason.EXPIRED);
      } else {
        if (grant.autoRenew() && !grant.renewalInFlight() && grant.renewDueNanos() - now <= period) {
          due.add(grant);
        }
        untilEarliestDeadline = Math.min(untilEarliestDeadline, grant.validUntilNanos() - now);
      }
    }
    if (tracked.isEmpty()) {
      return;
    }
    clock.maybeSample(); // the clock detector's reading rides on the renewal cycle (at most one a second)
    sendByKind(due);
    long untilNext = failuresInARow > 0 ? Math.min(period, client.backoff().delayNanos(failuresInARow)) : period;
    tickNoLaterThan(now + Math.min(untilNext, untilEarliestDeadline + 1));
  }

  /* One batch per kind of lease (the plain lock, each side of a read/write lock, permits): each has its call. */
  private void sendByKind(List<Grant> due) {
    Map<LeaseKind, List<Grant>> byKind = new EnumMap<>(LeaseKind.class);
    for (Grant grant : due) {
      byKind.computeIfAbsent(grant.key().kind(), kind -> new ArrayList<>()).add(grant);
    }
    int batch = client.options().renewalBatchSize();
    byKind.forEach((kind, grants) -> {
      for (int from = 0; from < grants.size(); from += batch) {
        send(kind, grants.subList(from, Math.min(grants.size(), from + batch)));
      }
    });
  }

  private void send(LeaseKind kind, List<Grant> grants) {
    List<Grant> batch = List.copyOf(grants);
    List<RenewRequest> requests = new ArrayList<>(batch.size());
    for (Grant grant : batch) {
      grant.renewalInFlight(true);
      Grant.Key key = grant.key();
      requests.add(new RenewRequest(key.name(), key.owner(), key.token(), grant.ttl()));
    }
    long sentNanos = System.nanoTime();
    client.metrics().renewalCall(batch.size());
    CompletableFutures.safely(() -> client.calls().renewEach(kind, requests)).whenComplete((results, failure) -> {
      batch.forEach(grant -> grant.renewalInFlight(false));
      if (failure != null) {
        renewalFailed(batch, failure);
      } else {
        renewed(batch, results, sentNanos);
      }
    });
  }

  /*
   * Leases with an unknown outcome stay tracked and unconfirmed: the next tick (backed off like a failed batch)
   * sends them again, and their deadline declares them UNCONFIRMED if their part of the backend stays away.
   */
  private void renewed(List<Grant> batch, List<RenewOutcome> results, long sentNanos) {
    int unknown = 0;
    for (int i = 0; i < batch.size(); i++) {
      Grant grant = batch.get(i);
      switch (results.get(i)) {
        case RENEWED -> grant.confirmed(sentNanos);
        case NOT_HELD -> client.declareLost(grant, LeaseLostReason.NOT_OWNER);
        case SESSION_LOST -> client.declareLost(grant, LeaseLostReason.SESSION_LOST);
        default -> unknown++;
      }
    }
    if (unknown == 0) {
      failuresInARow = 0;
      return;
    }
    failuresInARow++;
    client.metrics().renewalFailed();
    log.info("renewal of {} of {} leases has an unknown outcome (part of the backend did not answer), retrying "
        + "before their deadlines", unknown, batch.size());
    tickNoLaterThan(System.nanoTime() + client.backoff().delayNanos(failuresInARow));
  }

  private void renewalFailed(List<Grant> batch, Throwable failure) {
    failuresInARow++;
    client.metrics().renewalFailed();
    Throwable cause = Failures.unwrap(failure);
    if (backend.isTransient(cause)) {
      log.info("renewal of {} leases failed transiently, retrying before their deadlines: {}", batch.size(),
          Failures.describe(cause));
    } else {
      log.error("renewal of {} leases failed, retrying before their deadlines", batch.size(), cause);
    }
    tickNoLaterThan(System.nanoTime() + client.backoff().delayNanos(failuresInARow));
  }
}
