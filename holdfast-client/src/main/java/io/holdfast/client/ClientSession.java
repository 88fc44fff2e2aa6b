package io.holdfast.client;

import io.holdfast.api.v1.CloseSessionRequest;
import io.holdfast.api.v1.KeepAliveRequest;
import io.holdfast.api.v1.LeaseRenewal;
import io.holdfast.api.v1.OpenSessionRequest;
import io.holdfast.api.v1.Session;
import io.holdfast.spi.ClockReadings;
import io.holdfast.spi.RenewOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The client's session with the lock service: opened on first use, kept alive at TTL/3 (a keep-alive that
 * carried lease renewals counts, so a busy client sends no extra calls), and replaced when the service says it
 * expired or is unknown. A lost session never comes back: every lease granted in it is reported lost (renewals
 * answer false), and the next acquire opens a new session. The current session is one CompletableFuture,
 * replaced under a lock so that concurrent callers share one open; every acquire reads it, so the usual case (a
 * live session) is a volatile read without the lock, which JFR showed contended with 64 threads. Lost ids are in
 * a concurrent set.
 */
final class ClientSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
  private static final long HALF_MS = 500_000;

  private final ServiceChannel channel;
  private final StreamCalls calls;
  private final Identity identity;
  private final Optional<Duration> ttl;
  private final ScheduledExecutorService timer;
  private final Set<String> lost = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private volatile CompletableFuture<Session> current;
  private volatile long lastKeptAliveNanos = System.nanoTime();
  private volatile boolean closed;
  private volatile ClockReadings clock;
  /** The offset the clock detector measured last, sent with the next keep-alive; null before any. */
  private volatile Duration clockOffset;

  /** What the client tells the service about itself at OpenSession. */
  record Identity(String clientName, String host) { }

  ClientSession(ServiceChannel channel, StreamCalls calls, Identity identity, Optional<Duration> ttl,
      ScheduledExecutorService timer) {
    this.channel = channel;
    this.calls = calls;
    this.identity = identity;
    this.ttl = ttl;
    this.timer = timer;
  }

  /** The live session, opening one if there is none. */
  CompletableFuture<Session> current() {
    CompletableFuture<Session> open = current;
    if (usable(open)) {
      return open;
    }
    synchronized (lock) {
      if (usable(current)) {
        return current;
      }
      OpenSessionRequest request = OpenSessionRequest.newBuilder().setClientName(identity.clientName())
          .setClientHost(identity.host()).setTtlMs(ttl.map(Duration::toMillis).orElse(0L)).build();
      current = Rpc.call(channel.sessions::openSession, request);
      current.thenAccept(this::opened);
      return current;
    }
  }

  /** Whether {@code open} is a session being opened, or open and not lost. */
  private boolean usable(CompletableFuture<Session> open) {
    return open != null && !open.isCompletedExceptionally()
        && !(open.isDone() && lost.contains(open.join().getSessionId()));
  }

  boolean isLost(String sessionId) {
    return lost.contains(sessionId);
  }

  void markLost(String sessionId) {
    if (lost.add(sessionId)) {
      log.warn("lock service session {} was lost (expired or unknown to the service): its leases are lost",
          sessionId);
    }
  }

  /**
   * Keeps a session alive and renews leases: per lease RENEWED or NOT_HELD, or SESSION_LOST for every lease
   * when the session is lost (already, or by the service's answer now).
   */
  CompletableFuture<List<RenewOutcome>> keepAlive(String sessionId, List<LeaseRenewal> renewals) {
    if (lost.contains(sessionId)) {
      return CompletableFuture.completedFuture(Collections.nCopies(renewals.size(), RenewOutcome.SESSION_LOST));
    }
    KeepAliveRequest.Builder request = KeepAliveRequest.newBuilder().setSessionId(sessionId)
        .addAllRenewals(renewals);
    Duration offset = clockOffset;
    if (offset != null) {
      request.setClockOffsetUs(offset.toNanos() / 1000);
    }
    long sent = System.nanoTime();
    return calls.keepAlive(request.build()).handle((reply, failure) -> {
      if (failure == null) {
        lastKeptAliveNanos = sent;
        deliverClock(sent, System.nanoTime(), reply.getStoreTimeMs());
        List<Boolean> renewed = reply.getRenewedList();
        return IntStream.range(0, renewals.size()).mapToObj(i -> i < renewed.size() && renewed.get(i)
            ? RenewOutcome.RENEWED : RenewOutcome.NOT_HELD).toList();
      }
      if (Rpc.isSessionLoss(failure)) {
        markLost(sessionId);
        return Collections.nCopies(renewals.size(), RenewOutcome.SESSION_LOST);
      }
      throw Rpc.toHoldfast(failure, "keep-alive of session " + sessionId);
    });
  }

  void clockReadings(ClockReadings sink) {
    this.clock = sink;
  }

  void reportClockOffset(Duration offset) {
    this.clockOffset = offset;
  }

  /*
   * The store's time is whole milliseconds: taken as the middle of its millisecond, with the round trip widened by
   * one on either side so the detector's error bound covers the rounding.
   */
  private void deliverClock(long sent, long received, long storeTimeMs) {
    ClockReadings sink = clock;
    if (sink != null && storeTimeMs > 0) {
      sink.reading(sent - HALF_MS, received + HALF_MS, Instant.ofEpochMilli(storeTimeMs).plusNanos(HALF_MS));
    }
  }

  private void opened(Session session) {
    log.debug("opened lock service session {} (TTL {} ms)", session.getSessionId(), session.getTtlMs());
    lastKeptAliveNanos = System.nanoTime();
    long period = Math.max(50, session.getTtlMs() / 3);
    schedule(session.getSessionId(), period, period);
  }

  private void schedule(String sessionId, long delayMs, long periodMs) {
    if (closed || lost.contains(sessionId)) {
      return;
    }
    try {
      timer.schedule(() -> tick(sessionId, periodMs), delayMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      closed = true;
    }
  }

  private void tick(String sessionId, long periodMs) {
    long sinceLast = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastKeptAliveNanos);
    if (sinceLast < periodMs - 10) {
      schedule(sessionId, periodMs - sinceLast, periodMs);
      return;
    }
    keepAlive(sessionId, List.of()).whenComplete((ok, failure) -> {
      if (failure != null) {
        log.info("keep-alive of session {} failed, retrying: {}", sessionId, Rpc.describe(Rpc.unwrap(failure)));
        schedule(sessionId, Math.min(periodMs, 200), periodMs);
      } else {
        schedule(sessionId, periodMs, periodMs);
      }
    });
  }

  /** Closes the session (its remaining locks are released at once); best effort within {@code timeout}. */
  void close(Duration timeout) {
    closed = true;
    CompletableFuture<Session> open;
    synchronized (lock) {
      open = current;
    }
    if (open == null || !open.isDone() || open.isCompletedExceptionally()) {
      return;
    }
    String id = open.join().getSessionId();
    if (lost.contains(id)) {
      return;
    }
    try {
      Rpc.call(channel.sessions::closeSession, CloseSessionRequest.newBuilder().setSessionId(id).build())
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.info("closing lock service session {} failed ({}); it expires at its TTL", id,
          Rpc.describe(Rpc.unwrap(e)));
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }
}
