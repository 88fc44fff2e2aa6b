package io.holdfast.redis;

import io.holdfast.LockName;
import java.util.Objects;

/**
 * Where the fencing counter of a lock lives: the one key that outlives every grant, so that tokens keep
 * increasing across release and expiry.
 *
 * <p>Why a strategy: standalone and Sentinel keep ONE counter for all locks (state stays bounded: a million
 * names acquired and released leave exactly one extra key). Redis Cluster cannot do that, because a script
 * may only touch keys of one hash slot; there each slot will get its own counter
 * {@code <prefix>:{<tag>}:fence}, with {@code <tag>} chosen to hash to the lock's slot. Both are keys passed
 * to {@code acquire.lua}, so the scripts do not change. Only the single counter is implemented now.
 *
 * <p>Safe: implementations are immutable.
 */
sealed interface FenceKeys permits FenceKeys.SingleCounter {

  /**
   * The counter key for a lock.
   *
   * @param name the lock
   * @return the key acquire.lua draws the lock's tokens from
   */
  String counterKeyFor(LockName name);

  /**
   * One counter for every lock: {@code <prefix>:fence}.
   *
   * @param keyPrefix the key prefix
   * @return the strategy
   */
  static FenceKeys singleCounter(String keyPrefix) {
    return new SingleCounter(keyPrefix + ":fence");
  }

  /**
   * All locks draw from one counter key. Tokens are then increasing across all locks, which is stronger
   * than the contract needs and costs nothing.
   *
   * @param key the counter key
   */
  record SingleCounter(String key) implements FenceKeys {
    public SingleCounter {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String counterKeyFor(LockName name) {
      return key;
    }
  }
}
