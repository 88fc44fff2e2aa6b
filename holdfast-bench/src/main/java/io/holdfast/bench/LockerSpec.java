package io.holdfast.bench;

import java.time.Duration;
import java.util.Objects;

/**
 * How to make one client instance of a contender.
 *
 * @param redisUri where Redis is, {@code redis://host:port}
 * @param instanceName a name for the client (connection name, thread names)
 * @param leaseTtl the TTL of every lease the instance takes; the renewal period follows from it
 * @param lean whether to shrink per-instance thread and connection pools, for fleets of many instances in one
 *     JVM; only Redisson has pools large enough for this to matter
 */
record LockerSpec(String redisUri, String instanceName, Duration leaseTtl, boolean lean) {
  LockerSpec {
    Objects.requireNonNull(redisUri, "redisUri");
    Objects.requireNonNull(instanceName, "instanceName");
    if (leaseTtl == null || leaseTtl.toMillis() < 10) {
      throw new IllegalArgumentException("lease TTL must be at least 10 ms, was " + leaseTtl);
    }
  }
}
