package io.holdfast.redis;

import io.holdfast.spi.ReleaseSubscription;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Release wake-ups for every lock of one backend over ONE pub/sub connection: a channel is subscribed while
 * at least one listener wants it, and each message fans out to that channel's listeners.
 *
 * <p>Concurrency. Each channel has an {@link Entry} in a {@link ConcurrentHashMap}; adding a listener,
 * removing one, and sending SUBSCRIBE or UNSUBSCRIBE all happen inside {@code compute} for that channel, so
 * they are serialized per channel. That matters for the race between the last listener leaving and a new one
 * arriving: the UNSUBSCRIBE is handed to Lettuce (which writes commands in the order it receives them) before
 * the next SUBSCRIBE of the same channel, so the server ends subscribed. Dispatching a command inside
 * {@code compute} is cheap (Lettuce only queues it) and touches no other map entry.
 *
 * <p>A subscriber's future completes when the server acknowledged SUBSCRIBE, so a release published after
 * that reaches it. If SUBSCRIBE fails, the listener is removed and the next subscriber sends SUBSCRIBE again.
 * Lettuce re-subscribes every channel after a reconnect; a message lost during the outage is covered by the
 * engine's timed re-check. Listener exceptions are logged and never reach Lettuce.
 *
 * <p>Safe: all mutable state is the map and the per-entry fields written only under that entry's
 * {@code compute}; listener sets are concurrent so delivery can iterate while they change.
 */
final class ReleaseChannels extends RedisPubSubAdapter<String, String> {
  private static final Logger LOG = LoggerFactory.getLogger(ReleaseChannels.class);

  private final StatefulRedisPubSubConnection<String, String> connection;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /** One channel's listeners and the state of its SUBSCRIBE; fields change only inside {@code compute}. */
  private static final class Entry {
    final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    CompletableFuture<Void> subscribed;
  }

  ReleaseChannels(StatefulRedisPubSubConnection<String, String> connection) {
    this.connection = connection;
    connection.addListener(this);
  }

  /**
   * Adds a listener for a channel, subscribing it if this is the first.
   *
   * @param channel the release channel
   * @param onRelease called on a Lettuce thread for each message; must not block
   * @return completes once the channel is subscribed on the server
   */
  CompletableFuture<ReleaseSubscription> subscribe(String channel, Runnable onRelease) {
    Listener listener = new Listener(channel, onRelease);
    // Read under compute: a later subscriber may replace a failed SUBSCRIBE future in the entry.
    AtomicReference<CompletableFuture<Void>> acknowledged = new AtomicReference<>();
    entries.compute(channel, (key, current) -> {
      Entry e = current != null ? current : new Entry();
      e.listeners.add(listener);
      if (e.subscribed == null || e.subscribed.isCompletedExceptionally()) {
        e.subscribed = connection.async().subscribe(key).toCompletableFuture();
      }
      acknowledged.set(e.subscribed);
      return e;
    });
    return acknowledged.get().handle((ok, failure) -> {
      if (failure != null) {
        listener.close();
        throw new CompletionException(RedisErrors.unwrap(failure));
      }
      return listener;
    });
  }

  /** Number of channels with at least one listener; for tests and diagnostics. */
  int activeChannels() {
    return entries.size();
  }

  @Override
  public void message(String channel, String message) {
    Entry entry = entries.get(channel);
    if (entry == null) {
      return;
    }
    for (Listener listener : entry.listeners) {
      listener.deliver();
    }
  }

  private void remove(Listener listener) {
    entries.computeIfPresent(listener.channel, (key, e) -> {
      e.listeners.remove(listener);
      if (!e.listeners.isEmpty()) {
        return e;
      }
      connection.async().unsubscribe(key).whenComplete((ok, failure) -> {
        if (failure != null) {
          // Harmless: at worst the channel stays subscribed and its messages find no listener.
          LOG.debug("UNSUBSCRIBE {} failed: {}", key, failure.toString());
        }
      });
      return null;
    });
  }

  /** One subscriber; identity-compared, so the same Runnable may subscribe twice. */
  private final class Listener implements ReleaseSubscription {
    private final String channel;
    private final Runnable onRelease;
    private final AtomicBoolean closed = new AtomicBoolean();

    Listener(String channel, Runnable onRelease) {
      this.channel = channel;
      this.onRelease = onRelease;
    }

    void deliver() {
      if (closed.get()) {
        return;
      }
      try {
        onRelease.run();
      } catch (RuntimeException e) {
        LOG.warn("A release listener for {} threw; ignored", channel, e);
      }
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        remove(this);
      }
    }
  }
}
