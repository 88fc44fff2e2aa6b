package io.holdfast.redis;

import io.holdfast.LockName;

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

  /** The standalone/Sentinel layout: one fencing counter for every lock. */
  static KeySpace standalone(String prefix) {
    return new KeySpace(prefix, FenceKeys.singleCounter(prefix));
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
