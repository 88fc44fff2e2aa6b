package io.holdfast.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Collects the replies of one call sent to every independent master and decides when there are enough: as soon
 * as a majority rule is settled, when every master answered, or at a cutoff, whichever comes first. A master
 * that is paused or partitioned therefore delays nobody once the others have settled the question, which is
 * what the Redlock scheme asks of per-master timeouts.
 *
 * <p>The snapshot handed out has one entry per master, {@code null} for a master that has not answered; callers
 * that must act on late answers (undo a late grant) attach their own handlers to the original futures.
 *
 * <p>Safe: replies are recorded and the rule is evaluated under this object's monitor, so the rule always sees
 * a consistent snapshot; the result completes once (later completions are ignored). Cut-off timers run on one
 * shared daemon thread and are cancelled (and removed) as soon as the result is in, so thousands of calls in
 * flight do not leave thousands of timers waiting out their validity windows.
 *
 * @param <T> the reply type
 */
final class Gather<T> {

  /**
   * One master's answer.
   *
   * @param value the reply, or null on failure
   * @param failure the failure, or null on success
   * @param <T> the reply type
   */
  record Reply<T>(T value, Throwable failure) {
    boolean ok() {
      return failure == null;
    }
  }

  private static final ScheduledThreadPoolExecutor TIMERS = timers();

  private final List<Reply<T>> replies;
  private final Predicate<List<Reply<T>>> enough;
  private final CompletableFuture<List<Reply<T>>> result = new CompletableFuture<>();
  private int answered;

  private Gather(int size, Predicate<List<Reply<T>>> enough) {
    this.replies = new ArrayList<>(java.util.Collections.nCopies(size, null));
    this.enough = enough;
  }

  /**
   * Waits for the calls.
   *
   * @param calls one call per master, in master order
   * @param enough true once the snapshot settles the question (entries are null while pending)
   * @param cutoffNanos the {@link System#nanoTime()} by which to decide anyway
   * @param <T> the reply type
   * @return the snapshot the decision is made on
   */
  static <T> CompletableFuture<List<Reply<T>>> until(List<CompletableFuture<T>> calls,
      Predicate<List<Reply<T>>> enough, long cutoffNanos) {
    Gather<T> gather = new Gather<>(calls.size(), enough);
    for (int i = 0; i < calls.size(); i++) {
      int index = i;
      calls.get(i).whenComplete((value, failure) ->
          gather.record(index, new Reply<>(value, failure == null ? null : RedisErrors.unwrap(failure))));
    }
    long delay = Math.max(0, cutoffNanos - System.nanoTime());
    ScheduledFuture<?> timer = TIMERS.schedule(gather::cutOff, delay, TimeUnit.NANOSECONDS);
    gather.result.whenComplete((snapshot, failure) -> timer.cancel(false));
    return gather.result;
  }

  private static ScheduledThreadPoolExecutor timers() {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "holdfast-quorum-timer");
      thread.setDaemon(true); // only ever cuts waits short; must not keep a JVM alive
      return thread;
    });
    timers.setRemoveOnCancelPolicy(true);
    return timers;
  }

  private synchronized void record(int index, Reply<T> reply) {
    replies.set(index, reply);
    answered++;
    if (answered == replies.size() || enough.test(snapshot())) {
      result.complete(snapshot());
    }
  }

  private synchronized void cutOff() {
    result.complete(snapshot());
  }

  private List<Reply<T>> snapshot() {
    return java.util.Collections.unmodifiableList(new ArrayList<>(replies));
  }

  /** Answers still missing from a snapshot. */
  static int pending(List<? extends Reply<?>> snapshot) {
    return (int) snapshot.stream().filter(r -> r == null).count();
  }
}
