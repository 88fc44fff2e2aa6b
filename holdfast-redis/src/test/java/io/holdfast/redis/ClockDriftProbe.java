package io.holdfast.redis;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/*
 * Runs in a JVM under libfaketime (ClockDriftIT). Warms the clock detector up with an auto-renewed lease, then
 * takes a lease without renewal and watches it: before each isValid() it reads Redis TIME, which is then a lower
 * bound of Redis's clock at that isValid(). A true isValid() at a Redis time past (Redis time after the grant +
 * TTL), an upper bound of Redis's expiry, is a certain lie, whatever the machine's load.
 */
final class ClockDriftProbe {
  private ClockDriftProbe() { }

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    Duration ttl = Duration.ofSeconds(2);
    MeterRegistry meters = new SimpleMeterRegistry();
    RedisClient lettuce = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> connection = lettuce.connect();
         Holdfast holdfast = Holdfast.connect(HoldfastOptions.builder().backend(uri).clientName("probe")
             .meterRegistry(meters).build());
         Lease warm = holdfast.acquire("clock/warm-" + UUID.randomUUID(), Duration.ofMillis(1500))) {
      RedisCommands<String, String> redis = connection.sync();
      double drift = Double.NaN;
      for (int i = 0; i < 600 && Double.isNaN(drift); i++) {
        Thread.sleep(100);
        drift = meters.get("holdfast.clock.rate.drift").gauge().value();
      }
      // Let the window fill beyond its minimum, so the error bound is small next to the drift.
      Thread.sleep(2000);
      System.out.println("gauges drift=" + meters.get("holdfast.clock.rate.drift").gauge().value()
          + " offset=" + meters.get("holdfast.clock.offset").gauge().value());
      Lease lease = holdfast.acquire(AcquireRequest.of("clock/probe-" + UUID.randomUUID(), ttl).withoutAutoRenew());
      long expiryBound = micros(redis.time()) + ttl.toNanos() / 1000;
      while (true) {
        long redisBefore = micros(redis.time());
        boolean valid = lease.isValid();
        if (!valid) {
          System.out.println("invalid " + (expiryBound - redisBefore) / 1000 + " ms before the expiry bound");
          break;
        }
        if (redisBefore > expiryBound) {
          System.out.println("VIOLATION isValid() true " + (redisBefore - expiryBound) / 1000
              + " ms after Redis expired the lease");
          break;
        }
        Thread.sleep(5);
      }
      System.out.println("probe done");
    } finally {
      lettuce.shutdown();
    }
  }

  private static long micros(List<String> time) {
    return Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
  }
}
