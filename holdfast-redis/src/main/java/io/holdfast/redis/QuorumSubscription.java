package io.holdfast.redis;

import io.holdfast.spi.ReleaseSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A release subscription over the independent masters: the lock's channel on every master, active once a
 * majority confirmed. That is enough not to miss a release: the last release deletes the lock on the majority
 * that held it, each of those publishes, and two majorities share a master.
 *
 * <p>The same release arrives once per master, each carrying the released token; a message equal to the one
 * before it is not passed on, so a release wakes one waiter per client, as on a single master. A fair release
 * names the head of each master's own line ({@code "<token> <head>"}): masters that name different heads send
 * different messages, and each is passed on (a named waiter may so be woken more than once: an extra attempt).
 *
 * <p>Safe: subscriptions are collected under this object's monitor; the last token seen is an atomic reference.
 */
final class QuorumSubscription implements ReleaseSubscription {
  private final List<ReleaseSubscription> parts = new ArrayList<>();
  private final AtomicReference<String> lastMessage = new AtomicReference<>();
  private final Consumer<String> onRelease;
  private boolean closed;

  private QuorumSubscription(Consumer<String> onRelease) {
    this.onRelease = onRelease;
  }

  static CompletableFuture<ReleaseSubscription> open(List<QuorumMaster> masters, String channel,
      Runnable onRelease, Duration timeout) {
    return openForMessages(masters, channel, message -> onRelease.run(), timeout);
  }

  /** As {@link #open}, passing on each release's message ({@code "<token>"} or {@code "<token> <head>"}). */
  static CompletableFuture<ReleaseSubscription> openForMessages(List<QuorumMaster> masters, String channel,
      Consumer<String> onRelease, Duration timeout) {
    QuorumSubscription subscription = new QuorumSubscription(onRelease);
    List<CompletableFuture<ReleaseSubscription>> calls = new ArrayList<>();
    for (QuorumMaster master : masters) {
      CompletableFuture<ReleaseSubscription> call =
          master.on(c -> c.channels().subscribe(channel, subscription::deliver));
      call.thenAccept(subscription::add);
      calls.add(call);
    }
    int majority = QuorumTally.majority(masters.size());
    return Gather.until(calls, replies -> ok(replies) >= majority
        || replies.stream().filter(r -> r != null && !r.ok()).count() > masters.size() - majority,
        System.nanoTime() + timeout.toNanos())
        .thenApply(replies -> {
          if (ok(replies) >= majority) {
            return subscription;
          }
          subscription.close();
          Throwable cause = replies.stream().filter(r -> r != null && !r.ok()).map(Gather.Reply::failure)
              .findFirst().orElse(null);
          throw new io.holdfast.BackendUnavailableException("release subscription on " + channel + " reached "
              + ok(replies) + " of " + masters.size() + " masters, fewer than a majority", cause);
        });
  }

  private static int ok(List<Gather.Reply<ReleaseSubscription>> replies) {
    return (int) replies.stream().filter(r -> r != null && r.ok()).count();
  }

  private void deliver(String message) {
    if (message != null && !message.equals(lastMessage.getAndSet(message))) {
      onRelease.accept(message);
    }
  }

  private synchronized void add(ReleaseSubscription part) {
    if (closed) {
      part.close();
    } else {
      parts.add(part);
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      parts.forEach(ReleaseSubscription::close);
      parts.clear();
    }
  }
}
