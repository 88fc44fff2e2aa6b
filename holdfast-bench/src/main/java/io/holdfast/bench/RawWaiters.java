package io.holdfast.bench;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The raw floor's waiting: one SUBSCRIBE per contended lock and instance, and each release message wakes the
 * longest-waiting local waiter only, since only one can win (waking all would be a thundering herd that the
 * floor must not pay). A woken waiter that loses to another instance stays first in line for the next message.
 *
 * <p>One monitor guards all topics: its critical sections are a few deque operations, cheaper than the
 * per-topic locking a library needs at scale, which is the point of a floor.
 */
final class RawWaiters extends RedisPubSubAdapter<String, String> implements AutoCloseable {
  private final StatefulRedisPubSubConnection<String, String> pubSub;
  private final Map<String, Topic> topics = new HashMap<>();

  RawWaiters(StatefulRedisPubSubConnection<String, String> pubSub) {
    this.pubSub = pubSub;
    pubSub.addListener(this);
  }

  private static final class Topic {
    final Deque<Waiter> waiters = new ArrayDeque<>();
    CompletableFuture<Void> subscribed;
  }

  /** Joins the line for a channel, subscribing it if this is the first waiter. */
  synchronized Waiter join(String channel) {
    Topic topic = topics.get(channel);
    if (topic == null) {
      topic = new Topic();
      topic.subscribed = pubSub.async().subscribe(channel).toCompletableFuture();
      topics.put(channel, topic);
    }
    Waiter waiter = new Waiter(channel, topic.subscribed);
    topic.waiters.addLast(waiter);
    return waiter;
  }

  @Override
  public void message(String channel, String message) {
    Waiter first;
    synchronized (this) {
      Topic topic = topics.get(channel);
      first = topic == null ? null : topic.waiters.peekFirst();
    }
    if (first != null) {
      first.permits.release();
    }
  }

  private synchronized void leave(Waiter waiter) {
    Topic topic = topics.get(waiter.channel);
    if (topic == null) {
      return;
    }
    topic.waiters.remove(waiter);
    if (topic.waiters.isEmpty()) {
      topics.remove(waiter.channel);
      // Lettuce writes in call order, so a later SUBSCRIBE of the same channel lands after this.
      pubSub.async().unsubscribe(waiter.channel);
    }
  }

  @Override
  public void close() {
    pubSub.removeListener(this);
    pubSub.close();
  }

  /** One waiting acquire. */
  final class Waiter {
    private final String channel;
    private final CompletableFuture<Void> subscribed;
    private final Semaphore permits = new Semaphore(0);

    private Waiter(String channel, CompletableFuture<Void> subscribed) {
      this.channel = channel;
      this.subscribed = subscribed;
    }

    /** Waits until the channel is subscribed, or the time is up; a failed SUBSCRIBE falls back to re-checks. */
    void awaitSubscribed(long nanos) throws InterruptedException {
      try {
        subscribed.get(nanos, TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // The re-check timer still bounds the wait; nothing else to do in a floor.
      }
    }

    /** Sleeps until a release message or the time is up; a message received meanwhile returns at once. */
    void await(long nanos) throws InterruptedException {
      permits.tryAcquire(nanos, TimeUnit.NANOSECONDS);
    }

    void leave() {
      RawWaiters.this.leave(this);
    }
  }
}
