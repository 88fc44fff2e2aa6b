package io.holdfast.redis;

import java.util.Objects;

/**
 * Where the fencing counter of a lock lives: the one key that outlives every grant, so that tokens keep
 * increasing across release and expiry.
 *
 * <p>Why a strategy: standalone, Sentinel and each independent master keep ONE counter for all locks (state
 * stays bounded: a million names acquired and released leave exactly one extra key). Redis Cluster cannot do
 * that, because a script may only touch keys of one hash slot; there each slot has its own counter
 * {@code <prefix>:{<tag>}:fence}, with {@code <tag>} from {@link SlotTags} hashing to the lock's slot (at most
 * 16,384 counters). Both are keys passed to {@code acquire.lua}, so the scripts do not change.
 *
 * <p>Safe: implementations are immutable.
 */
sealed interface FenceKeys permits FenceKeys.SingleCounter, FenceKeys.PerSlot {

  /**
   * The counter key for a lock.
   *
   * @param name the lock name's value
   * @return the key acquire.lua draws the lock's tokens from
   */
  String counterKeyFor(String name);

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
    public String counterKeyFor(String name) {
      return key;
    }
  }

  /**
   * One counter per hash slot, for Redis Cluster: tokens increase per slot, so per lock, which is what the
   * contract promises; two locks of different slots may see the same token.
   *
   * @param keyPrefix the key prefix
   */
  record PerSlot(String keyPrefix) implements FenceKeys {
    public PerSlot {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
    }

    @Override
    public String counterKeyFor(String name) {
      return keyPrefix + ":{" + SlotTags.tagFor(KeySpace.slotOf(name)) + "}:fence";
    }
  }
}
