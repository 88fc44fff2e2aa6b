package io.holdfast.redis;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The commands one caller sends to one Redis connection, written to the connection in the order they were given,
 * whichever threads give them.
 *
 * <p>Why it exists: the independent-master (Redlock) steps on one master rely on Redis running them in the order
 * they were issued: an attempt's undo or adopt right behind its acquire (sent without waiting for the acquire's
 * reply), the next attempt's acquire behind the last attempt's undo, a release behind the adopt of its grant.
 * Lettuce does not keep that order across threads: a command issued on the connection's Netty event loop is
 * written at once, while one issued from any other thread is queued as a task on that loop, so a command issued
 * later on the loop (in a reply's callback, where undo and adopt are decided) can overtake one issued earlier
 * from an application thread. A run of 40 attempts against a majority of dead masters under CPU load left the
 * live master holding 11 of them: undo ran before its own acquire.
 *
 * <p>Why the order holds here: every command goes through one queue and is issued from a thread that is not a
 * Netty thread, so each write becomes a task on the connection's event loop, and the loop runs its tasks in the
 * order they were queued. The queue is drained by one thread at a time: the caller's own when it is not a Netty
 * thread and nothing is queued (no thread hop on the common path), else the lane's executor, which must not be
 * an event loop of the connection (Lettuce's computation threads, or the lock service's own threads). A drain
 * sends at most a batch of calls before it hands the rest to the executor, so no caller is kept sending others'. What this
 * does not cover: a script that Redis no longer has cached ({@code NOSCRIPT}, after a restart that Lettuce
 * reconnected through) is re-sent with its source from the reply callback, behind whatever was queued since.
 *
 * <p>Safe: the queue is lock-free; the drain flag makes one drainer at a time (a drainer that hands off to the
 * executor keeps the flag set for it), and a task queued while a drainer finishes is picked up by the re-check
 * after the flag is cleared.
 */
public final class CommandLane {
  /** How many calls one drain sends before it hands the rest to the executor. */
  private static final int BATCH = 32;

  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Executor executor;

  private CommandLane(Executor executor) {
    this.executor = executor;
  }

  /**
   * A lane that drains on {@code executor} when the caller cannot.
   *
   * @param executor runs the drain when the caller is a Netty thread or the lane is busy; must not be an event
   *     loop of the connection this lane sends to
   * @return the lane
   */
  public static CommandLane drainingOn(Executor executor) {
    if (executor == null) {
      throw new IllegalArgumentException("a command lane needs an executor");
    }
    return new CommandLane(executor);
  }

  /**
   * Issues {@code call} after every call given to this lane before it. The call itself must only issue commands
   * (Lettuce's async API) and return; it runs on the caller's thread or the lane's executor.
   *
   * @param call issues the commands and returns their reply
   * @param <T> the reply
   * @return the reply of the call, or its failure (a call that throws fails its future, never the lane)
   */
  public <T> CompletableFuture<T> send(Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    queue.add(() -> {
      CompletableFuture<T> sent;
      try {
        sent = call.get();
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      sent.whenComplete((reply, failure) -> {
        if (failure != null) {
          result.completeExceptionally(failure);
        } else {
          result.complete(reply);
        }
      });
    });
    if (draining.compareAndSet(false, true)) {
      if (Thread.currentThread() instanceof FastThreadLocalThread) {
        hop();
      } else {
        drain(BATCH);
      }
    }
    return result;
  }

  /* Hands the drain, with the flag still set, to the executor: nobody else can start draining meanwhile. */
  private void hop() {
    try {
      executor.execute(() -> drain(BATCH));
    } catch (RejectedExecutionException closing) {
      drain(Integer.MAX_VALUE); // the owner is closing: its connections fail every command, order no longer matters
    }
  }

  /*
   * Runs queued calls in order. After `budget` of them, with more queued, the rest goes to the executor in a new
   * task: a caller that found the lane idle sends its own call and a few more, and is not kept sending everybody
   * else's while they keep coming; the executor's threads (Lettuce's, shared with its other work) get turns too.
   */
  private void drain(int budget) {
    int left = budget;
    do {
      Runnable task;
      while ((task = queue.poll()) != null) {
        task.run();
        if (--left <= 0 && !queue.isEmpty()) {
          hop();
          return;
        }
      }
      draining.set(false);
    } while (!queue.isEmpty() && draining.compareAndSet(false, true));
  }
}
