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
import java.util.function.Consumer;
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
 * <p>Two modes: plain channels (SUBSCRIBE; standalone, Sentinel, independent masters, and Cluster before Redis 7,
 * where a PUBLISH on any node is forwarded to every node by the cluster bus, so subscribing on any one node is
 * enough) and sharded channels (SSUBSCRIBE; Cluster on Redis 7+, where Lettuce sends SSUBSCRIBE to the node
 * serving the channel's slot, and release.lua publishes with SPUBLISH to that slot's node only, instead of to
 * the whole cluster). The release channel shares the lock's hash tag, so it lives in the lock's slot.
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
  private final boolean sharded;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /** One channel's listeners and the state of its SUBSCRIBE; fields change only inside {@code compute}. */
  private static final class Entry {
    final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    CompletableFuture<Void> subscribed;
  }

  ReleaseChannels(StatefulRedisPubSubConnection<String, String> connection, boolean sharded) {
    this.connection = connection;
    this.sharded = sharded;
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
    return subscribe(channel, payload -> onRelease.run());
  }

  /**
   * Adds a listener that also receives the message: the released grant's fencing token.
   *
   * @param channel the release channel
   * @param onRelease called on a Lettuce thread with each message; must not block
   * @return completes once the channel is subscribed on the server
   */
  CompletableFuture<ReleaseSubscription> subscribe(String channel, Consumer<String> onRelease) {
    Listener listener = new Listener(channel, onRelease);
    // Read under compute: a later subscriber may replace a failed SUBSCRIBE future in the entry.
    AtomicReference<CompletableFuture<Void>> acknowledged = new AtomicReference<>();
    entries.compute(channel, (key, current) -> {
      Entry e = current != null ? current : new Entry();
      e.listeners.add(listener);
      if (e.subscribed == null || e.subscribed.isCompletedExceptionally()) {
        e.subscribed = (sharded ? connection.async().ssubscribe(key) : connection.async().subscribe(key))
            .toCompletableFuture();
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

  /**
   * Sends SSUBSCRIBE again for every channel with listeners, after the cluster topology changed. A sharded
   * subscription lives on the node serving the channel's slot; when a failover or migration moves the slot,
   * the old node is gone or has dropped it, and Lettuce does not move it by itself. Subscribing again is
   * harmless where it still holds (the server just confirms it). A message published while the subscription
   * was moving is lost; the engine's re-check timer covers that.
   */
  void resubscribeAll() {
    if (!sharded) {
      return;
    }
    for (String channel : entries.keySet()) {
      connection.async().ssubscribe(channel).whenComplete((ok, failure) -> {
        if (failure != null) {
          LOG.debug("Re-subscribing {} after a topology change failed: {}", channel, failure.toString());
        }
      });
    }
  }

  /**
   * The server dropped a sharded subscription we still want (its slot migrated away): subscribe again, which
   * Lettuce routes to the slot's new node.
   */
  @Override
  public void sunsubscribed(String shardChannel, long count) {
    Entry entry = entries.get(shardChannel);
    if (entry != null && !entry.listeners.isEmpty()) {
      connection.async().ssubscribe(shardChannel);
    }
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
      listener.deliver(message);
    }
  }

  @Override
  public void smessage(String shardChannel, String message) {
    message(shardChannel, message);
  }

  private void remove(Listener listener) {
    entries.computeIfPresent(listener.channel, (key, e) -> {
      e.listeners.remove(listener);
      if (!e.listeners.isEmpty()) {
        return e;
      }
      var unsubscribe = sharded ? connection.async().sunsubscribe(key) : connection.async().unsubscribe(key);
      unsubscribe.whenComplete((ok, failure) -> {
        if (failure != null) {
          // Harmless: at worst the channel stays subscribed and its messages find no listener.
          LOG.debug("UNSUBSCRIBE {} failed: {}", key, failure.toString());
        }
      });
      return null;
    });
  }

  /** One subscriber; identity-compared, so the same callback may subscribe twice. */
  private final class Listener implements ReleaseSubscription {
    private final String channel;
    private final Consumer<String> onRelease;
    private final AtomicBoolean closed = new AtomicBoolean();

    Listener(String channel, Consumer<String> onRelease) {
      this.channel = channel;
      this.onRelease = onRelease;
    }

    void deliver(String message) {
      if (closed.get()) {
        return;
      }
      try {
        onRelease.accept(message);
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
