package io.holdfast;

import io.holdfast.internal.WaitLoop;
import io.holdfast.internal.WaitLoop.Sleeper;
import io.holdfast.spi.ReleaseSubscription;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/*
 * Routes release messages to this client's waiters. One backend subscription per lock name that has local
 * waiters (the backend multiplexes all of them over one connection), opened with the first waiter and closed a
 * linger after the last one left, unless another waiter came meanwhile: a busy name whose waiters come and go would
 * otherwise open and close a subscription per wait (a SUBSCRIBE/UNSUBSCRIBE pair on Redis; on the lock service a
 * watch stream per wait, each cancel an HTTP/2 RST_STREAM, and Netty's rapid-reset guard closes a connection
 * that sends too many of them). A subscription that failed is not kept. A kind of lease other than the plain lock has topics of its own (LeaseKind). A release wakes only the
 * longest-waiting local waiter (except read waiters, who may all get in at once): only one of them can win, and
 * waking all of them would multiply Redis calls per grant by the number of local waiters (the thundering herd).
 * If the woken waiter loses the race to another process, the lock is held again and the next release wakes it
 * again; if it has already left, the next one in line is woken instead. A fair lock's release names the waiter at
 * the head of its line in Redis (release.lua): only that owner's waiter is woken, in whichever client it is, and no
 * other, so a hand-off costs one attempt in the whole fleet and nobody else races the head.
 *
 * Thread safety: each Topic is guarded by its own monitor; the map entry is created and removed under that
 * monitor and the map's compute, so a late subscriber cannot join a topic that is being closed. A lingering close
 * re-checks, under the monitor, that nobody joined since; a join cancels it.
 */
final class WakeupHub {
  /** How long a subscription with no waiters stays open for the next waiter of its name. */
  static final Duration LINGER = Duration.ofSeconds(3);

  private final PrimitiveCalls calls;
  private final ScheduledExecutorService scheduler;
  private final Duration linger;
  private final Map<TopicKey, Topic> topics = new ConcurrentHashMap<>();

  /** One topic per kind and name: read and write waiters of one name are woken differently (LeaseKind). */
  private record TopicKey(LeaseKind kind, LockName name) { }

  /** A hub that closes a subscription as soon as its last waiter leaves (no linger). */
  WakeupHub(PrimitiveCalls calls) {
    this(calls, null, Duration.ZERO);
  }

  /** A hub that keeps an idle subscription open for {@code linger}, timed on {@code scheduler}. */
  WakeupHub(PrimitiveCalls calls, ScheduledExecutorService scheduler, Duration linger) {
    this.calls = calls;
    this.scheduler = scheduler;
    this.linger = linger;
  }

  /** Registers a waiter; the future completes when release messages for the lock will reach it. */
  Registration register(LeaseKind kind, LockName name, Sleeper sleeper) {
    return register(kind, name, sleeper, null);
  }

  /**
   * Registers a waiter of {@code owner} (null: a plain waiter); a fair lock's release that names that owner as the
   * head of its line wakes it, and no other.
   */
  Registration register(LeaseKind kind, LockName name, Sleeper sleeper, OwnerToken owner) {
    TopicKey key = new TopicKey(kind, name);
    while (true) {
      Registration joined = join(topics.computeIfAbsent(key, k -> new Topic(k)), sleeper, owner);
      if (joined != null) {
        return joined;
      }
    }
  }

  /**
   * Joins the lock's topic only if it is already subscribed, because other local waiters opened it: no Redis
   * call. A waiter that joins before its first attempt needs no second attempt after a busy answer, since every
   * release after that attempt reaches the topic. Returns null when there is no live subscription to join.
   */
  Registration joinIfSubscribed(LeaseKind kind, LockName name, Sleeper sleeper, OwnerToken owner) {
    Topic topic = topics.get(new TopicKey(kind, name));
    if (topic == null || !topic.subscription.isDone() || topic.subscription.isCompletedExceptionally()) {
      return null;
    }
    return join(topic, sleeper, owner);
  }

  /** Adds the sleeper unless the topic is closing (its last sleeper left); null then. */
  private Registration join(Topic topic, Sleeper sleeper, OwnerToken owner) {
    synchronized (topic) {
      if (topic.closed) {
        return null;
      }
      topic.cancelLinger();
      Registration joined = new Registration(topic, sleeper, owner == null ? null : owner.value());
      topic.sleepers.addLast(joined);
      return joined;
    }
  }

  int waiterCount() {
    return topics.values().stream().mapToInt(t -> {
      synchronized (t) {
        return t.sleepers.size();
      }
    }).sum();
  }

  /** One waiter's place in a topic; live once the backend's subscription is active. */
  final class Registration implements WaitLoop.Registration {
    private final Topic topic;
    private final Sleeper sleeper;
    private final String owner;

    private Registration(Topic topic, Sleeper sleeper, String owner) {
      this.topic = topic;
      this.sleeper = sleeper;
      this.owner = owner;
    }

    @Override
    public CompletableFuture<ReleaseSubscription> live() {
      return topic.subscription;
    }

    @Override
    public void close() {
      topic.leave(this);
    }
  }

  private final class Topic {
    private final TopicKey key;
    private final Deque<Registration> sleepers = new ArrayDeque<>();
    private final CompletableFuture<ReleaseSubscription> subscription;
    private boolean closed;
    private Future<?> lingering;

    Topic(TopicKey key) {
      this.key = key;
      this.subscription = CompletableFutures.safely(() -> calls.subscribe(key.kind(), key.name(), this::released));
    }

    /* head: the owner a fair release hands off to, or "" for anyone (then the longest-waiting one is woken). */
    private void released(String head) {
      Registration[] snapshot;
      synchronized (this) {
        snapshot = sleepers.toArray(new Registration[0]);
      }
      for (Registration waiter : snapshot) {
        if (head.isEmpty() ? waiter.sleeper.wake() && !key.kind().wakesAll()
            : head.equals(waiter.owner) && waiter.sleeper.wake()) {
          return;
        }
      }
    }

    private void leave(Registration waiter) {
      synchronized (this) {
        sleepers.remove(waiter);
        if (!sleepers.isEmpty() || closed || lingering != null) {
          return;
        }
        if (keepsIdle()) {
          try {
            lingering = scheduler.schedule(this::closeIfIdle, linger.toNanos(), TimeUnit.NANOSECONDS);
            return;
          } catch (RejectedExecutionException clientClosing) {
            // The client is closing: close now.
          }
        }
      }
      closeIfIdle();
    }

    /* Worth keeping for the next waiter: a linger is set and the subscription is live (or still opening). */
    private boolean keepsIdle() {
      return scheduler != null && !linger.isZero() && !linger.isNegative() && !subscription.isCompletedExceptionally();
    }

    private void cancelLinger() {
      if (lingering != null) {
        lingering.cancel(false);
        lingering = null;
      }
    }

    private void closeIfIdle() {
      synchronized (this) {
        lingering = null;
        if (!sleepers.isEmpty() || closed) {
          return;
        }
        closed = true;
        topics.remove(key, this);
      }
      subscription.thenAccept(ReleaseSubscription::close);
    }
  }
}
