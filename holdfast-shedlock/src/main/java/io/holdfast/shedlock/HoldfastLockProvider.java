package io.holdfast.shedlock;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ShedLock's {@link net.javacrumbs.shedlock.core.LockProvider} on Holdfast: {@code @SchedulerLock} tasks run on one
 * node at a time, on any backend Holdfast speaks (Redis in every topology, or the lock service).
 *
 * <pre>{@code
 * @Bean
 * LockProvider lockProvider(Holdfast holdfast) {
 *   return new HoldfastLockProvider(holdfast);
 * }
 * }</pre>
 *
 * <p><b>lockAtMostFor</b> is the lease: the lock is taken with that TTL, timed by the backend, and is <em>not</em>
 * renewed, as ShedLock expects: a task still running after {@code lockAtMostFor} loses the lock, and a node that
 * dies holding it blocks the task that long at most. (For renewal while the task runs, wrap this provider in
 * ShedLock's {@code KeepAliveLockProvider}, or call {@code LockExtender.extendActiveLock}.)
 *
 * <p><b>lockAtLeastFor</b> is honoured on unlock: an unlock before {@code createdAt + lockAtLeastFor} (by ShedLock's
 * {@code ClockProvider}, as every provider does) leaves the lock held and releases it when that time comes, from
 * one timer thread of this provider. If the process stops first, the lease ends at its {@code lockAtMostFor} TTL,
 * which is never earlier.
 *
 * <p><b>Not re-entrant</b>, like every ShedLock provider: while a lock is held, {@link #lock} of the same name
 * returns empty, from this node as from any other. {@link SimpleLock#extend(Duration, Duration)} keeps the lock
 * (same fencing token) for at least the new {@code lockAtMostFor} from now; it never shortens the lease, and returns
 * empty when the lock was already lost.
 *
 * <p>Lock names are prefixed (default {@value #DEFAULT_PREFIX}) so that they do not collide with the
 * application's other Holdfast locks. A backend failure comes out of {@link #lock} as
 * {@link io.holdfast.BackendUnavailableException}; an unlock that finds the lease lost (the task overran
 * {@code lockAtMostFor}, or the backend lost it) is logged at WARN rather than thrown, so that it never replaces the
 * task's own outcome.
 */
public final class HoldfastLockProvider implements ExtensibleLockProvider, AutoCloseable {
  /** The prefix of every lock name unless another is given. */
  public static final String DEFAULT_PREFIX = "shedlock/";

  private static final Logger log = LoggerFactory.getLogger(HoldfastLockProvider.class);

  private final Holdfast holdfast;
  private final String prefix;
  private final ScheduledThreadPoolExecutor timer;

  /**
   * A provider with the {@value #DEFAULT_PREFIX} name prefix.
   *
   * @param holdfast the client; it must outlive the provider
   */
  public HoldfastLockProvider(Holdfast holdfast) {
    this(holdfast, DEFAULT_PREFIX);
  }

  /**
   * A provider whose lock names are {@code prefix + task name}.
   *
   * @param holdfast the client; it must outlive the provider
   * @param prefix prepended to each ShedLock lock name (may be empty)
   */
  public HoldfastLockProvider(Holdfast holdfast, String prefix) {
    this.holdfast = Objects.requireNonNull(holdfast, "holdfast");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "holdfast-shedlock-unlock");
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Takes the lock for {@code lockAtMostFor} if no one holds it; never waits.
   *
   * @param configuration the task's lock settings
   * @return the held lock, or empty when it is held (by this node or another)
   * @throws io.holdfast.InvalidArgumentException when {@code lockAtMostFor} is outside Holdfast's TTL range
   *     (10 ms to 7 days) or the name is not a valid lock name
   * @throws io.holdfast.BackendUnavailableException when the backend stayed unreachable
   */
  @Override
  public Optional<SimpleLock> lock(LockConfiguration configuration) {
    return holdfast.tryAcquire(request(configuration))
        .map(lease -> new HoldfastSimpleLock(this, configuration, lease));
  }

  /**
   * Stops the unlock timer. Locks whose {@code lockAtLeastFor} was still running stay held until their
   * {@code lockAtMostFor} TTL (or until the Holdfast client is closed, which releases what it holds).
   */
  @Override
  public void close() {
    timer.shutdownNow();
  }

  AcquireRequest request(LockConfiguration configuration) {
    return AcquireRequest.of(prefix + configuration.getName(), configuration.getLockAtMostFor())
        .withWait(Duration.ZERO).withoutAutoRenew();
  }

  Holdfast holdfast() {
    return holdfast;
  }

  void releaseLater(Duration delay, Runnable release) {
    try {
      timer.schedule(release, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      // Releasing now would cut lockAtLeastFor short; the lease ends at its lockAtMostFor TTL instead.
      log.warn("HoldfastLockProvider is closed: a lock unlocked within its lockAtLeastFor stays held until its"
          + " lockAtMostFor ends");
    }
  }

  @Override
  public String toString() {
    return "HoldfastLockProvider[" + holdfast.describeBackend() + ", prefix '" + prefix + "']";
  }

  /** For logs: which lease a message is about. */
  static String describe(Lease lease) {
    return "lock '" + lease.name() + "' (token " + lease.fencingToken() + ")";
  }
}
