package io.holdfast.redis;

import io.holdfast.LockName;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;

/**
 * Names of the Redis keys and channels of each lock, in one place.
 *
 * <p>The lock key is {@code <prefix>:{<name>}}. The braces are a Cluster hash tag: every key and channel of
 * one lock hashes on the name alone, so they share a slot and one script can touch them all. Names cannot
 * contain braces ({@link LockName} refuses them) and the prefix cannot either, so the tag is never cut
 * short and no lock key can equal the fence key.
 *
 * <p>Safe: immutable.
 */
final class KeySpace {
  private final String prefix;
  private final FenceKeys fenceKeys;

  KeySpace(String prefix, FenceKeys fenceKeys) {
    this.prefix = prefix;
    this.fenceKeys = fenceKeys;
  }

  /** The standalone, Sentinel and independent-master layout: one fencing counter for every lock. */
  static KeySpace standalone(String prefix) {
    return new KeySpace(prefix, FenceKeys.singleCounter(prefix));
  }

  /** The Cluster layout: one fencing counter per hash slot, in the slot of the locks it serves. */
  static KeySpace cluster(String prefix) {
    return new KeySpace(prefix, new FenceKeys.PerSlot(prefix));
  }

  /**
   * The hash slot of every key and channel of a lock (renewal grouping, the fence counter). Hashed from the
   * UTF-8 bytes, as Redis and Lettuce's UTF-8 codec see the key, whatever the JVM's default charset.
   */
  static int slotOf(LockName name) {
    return SlotHash.getSlot(name.value().getBytes(StandardCharsets.UTF_8));
  }

  String lockKey(LockName name) {
    return prefix + ":{" + name.value() + "}";
  }

  String fenceKey(LockName name) {
    return fenceKeys.counterKeyFor(name);
  }

  /** Where release.lua publishes when the last hold goes; it shares the lock key's hash tag. */
  String releaseChannel(LockName name) {
    return lockKey(name) + ":released";
  }
}
