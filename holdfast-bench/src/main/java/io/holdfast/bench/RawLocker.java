package io.holdfast.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One raw-floor client instance: a Lettuce client with one command connection (Lettuce pipelines the calls of
 * all threads on it, as Holdfast's backend does), one pub/sub connection for wake-ups, and a renewal thread only
 * when something asks for renewal.
 */
final class RawLocker implements Locker {
  /** Re-check a busy lock this often when no release message arrives (lost message, holder expired). */
  private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisCommands<String, String> sync;
  private final RedisAsyncCommands<String, String> async;
  private final RawWaiters waiters;
  private final RawRenewer renewer;
  private final SetArgs setArgs;
  private final String releaseSha;

  private RawLocker(RedisClient client, StatefulRedisConnection<String, String> connection, RawWaiters waiters,
      Duration ttl) {
    this.client = client;
    this.connection = connection;
    this.sync = connection.sync();
    this.async = connection.async();
    this.waiters = waiters;
    this.setArgs = SetArgs.Builder.nx().px(ttl.toMillis());
    this.releaseSha = sync.scriptLoad(releaseScript());
    this.renewer = new RawRenewer(async, sync.scriptLoad(script("raw-renew.lua")), ttl);
  }

  /** Opens an instance on {@code resources}, which the caller owns and shuts down after closing the instance. */
  static RawLocker open(LockerSpec spec, ClientResources resources) {
    RedisURI uri = RedisURI.create(spec.redisUri());
    uri.setClientName(spec.instanceName());
    RedisClient client = RedisClient.create(resources, uri);
    try {
      StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
      RawWaiters waiters = new RawWaiters(client.connectPubSub(StringCodec.UTF8));
      return new RawLocker(client, connection, waiters, spec.leaseTtl());
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw e;
    }
  }

  @Override
  public Held acquire(String name, Duration wait) throws InterruptedException {
    String value = randomValue();
    long deadline = System.nanoTime() + wait.toNanos();
    RawWaiters.Waiter waiter = null;
    try {
      while (true) {
        if ("OK".equals(sync.set(name, value, setArgs))) {
          return new RawHeld(name, value);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        if (waiter == null) {
          // Subscribe before the next try: a release between the busy answer and SUBSCRIBE would be missed.
          waiter = waiters.join(channel(name));
          waiter.awaitSubscribed(left);
        } else {
          waiter.await(Math.min(left, RECHECK_NANOS));
        }
      }
    } finally {
      if (waiter != null) {
        waiter.leave();
      }
    }
  }

  @Override
  public CompletableFuture<Held> acquireAsync(String name, boolean renew) {
    String value = randomValue();
    return async.set(name, value, setArgs).toCompletableFuture().thenApply(reply -> {
      if (!"OK".equals(reply)) {
        throw new BusyException(name);
      }
      RawHeld held = new RawHeld(name, value);
      if (renew) {
        renewer.track(name, value);
      }
      return held;
    });
  }

  @Override
  public void close() {
    renewer.close();
    waiters.close();
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  /** 128 random bits: unique per grant, which is all a compare-and-delete needs. */
  private static String randomValue() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
  }

  /** The floor's compare-and-delete script; the ceilings measure it too. */
  static String releaseScript() {
    return script("raw-release.lua");
  }

  private static String channel(String name) {
    return name + ":released";
  }

  private static String script(String file) {
    try (InputStream in = RawLocker.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("io/holdfast/bench/" + file + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final class RawHeld implements Held {
    private final String name;
    private final String value;

    RawHeld(String name, String value) {
      this.name = name;
      this.value = value;
    }

    @Override
    public long token() {
      return Contender.NO_TOKEN;
    }

    @Override
    public void release() {
      renewer.untrack(name);
      Long released = sync.evalsha(releaseSha, ScriptOutputType.INTEGER, new String[] {name}, value,
          channel(name));
      if (released == null || released != 1) {
        throw new IllegalStateException("raw lock '" + name + "' was no longer held at release");
      }
    }

    @Override
    public CompletableFuture<Void> releaseAsync() {
      renewer.untrack(name);
      return async.<Long>evalsha(releaseSha, ScriptOutputType.INTEGER, new String[] {name}, value, channel(name))
          .toCompletableFuture().thenAccept(released -> {
            if (released == null || released != 1) {
              throw new IllegalStateException("raw lock '" + name + "' was no longer held at release");
            }
          });
    }
  }
}
