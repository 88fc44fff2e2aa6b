package io.holdfast.bench;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raw floor's renewal: every third of the TTL, one compare-and-{@code PEXPIRE} per tracked lease, all sent
 * at once (Lettuce pipelines them on the connection). The thread starts with the first tracked lease, so the
 * cycle workloads, which never renew at the floor, pay nothing for it.
 */
final class RawRenewer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RawRenewer.class);

  private final RedisAsyncCommands<String, String> async;
  private final String renewSha;
  private final String ttlMillis;
  private final long periodNanos;
  private final Map<String, String> tracked = new ConcurrentHashMap<>();
  private ScheduledExecutorService scheduler;

  RawRenewer(RedisAsyncCommands<String, String> async, String renewSha, Duration ttl) {
    this.async = async;
    this.renewSha = renewSha;
    this.ttlMillis = Long.toString(ttl.toMillis());
    this.periodNanos = ttl.toNanos() / 3;
  }

  synchronized void track(String name, String value) {
    tracked.put(name, value);
    if (scheduler == null) {
      scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "raw-renewer");
        thread.setDaemon(true);
        return thread;
      });
      scheduler.scheduleAtFixedRate(this::renewAll, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }
  }

  void untrack(String name) {
    tracked.remove(name);
  }

  private void renewAll() {
    List<RedisFuture<Long>> replies = new ArrayList<>(tracked.size());
    List<String> names = new ArrayList<>(tracked.size());
    tracked.forEach((name, value) -> {
      names.add(name);
      replies.add(async.evalsha(renewSha, ScriptOutputType.INTEGER, new String[] {name}, value, ttlMillis));
    });
    for (int i = 0; i < replies.size(); i++) {
      try {
        Long renewed = replies.get(i).get(periodNanos, TimeUnit.NANOSECONDS);
        if (renewed == null || renewed != 1) {
          // Lost: the renewal workload finds the missing key and reports it.
          tracked.remove(names.get(i));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        log.warn("raw renewal of '{}' failed: {}", names.get(i), e.toString());
      }
    }
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
