package io.holdfast.redis;

import io.holdfast.LockName;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;

/**
 * Names of the Redis keys and channels of each lock, in one place: the one key schema of Holdfast, used by the
 * library's backends and by the lock service (which adds only its own session and listing keys).
 *
 * <p>The lock key is {@code <prefix>:{<name>}}. The braces are a Cluster hash tag: every key and channel of
 * one lock hashes on the name alone, so they share a slot and one script can touch them all. Names cannot
 * contain braces ({@link LockName} refuses them) and the prefix cannot either, so the tag is never cut
 * short and no lock key can equal the fence key. The methods taking a {@code String} expect the value of a
 * valid {@link LockName} (the lock service validates its names once, when it reads a request).
 *
 * <p>Safe: immutable.
 */
public final class KeySpace {
  private static final String RELEASED = ":released";

  private final String prefix;
  private final FenceKeys fenceKeys;

  KeySpace(String prefix, FenceKeys fenceKeys) {
    this.prefix = prefix;
    this.fenceKeys = fenceKeys;
  }

  /**
   * The key space of a deployment.
   *
   * @param prefix the key prefix (no braces)
   * @param cluster true on Redis Cluster: one fencing counter per hash slot instead of one for every lock
   * @return the key space
   */
  public static KeySpace of(String prefix, boolean cluster) {
    return cluster ? cluster(prefix) : standalone(prefix);
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
    return slotOf(name.value());
  }

  /**
   * The hash slot of every key and channel of the lock named {@code name}.
   *
   * @param name a lock name's value
   * @return the slot, 0 to 16383
   */
  public static int slotOf(String name) {
    return SlotHash.getSlot(name.getBytes(StandardCharsets.UTF_8));
  }

  String lockKey(LockName name) {
    return lockKey(name.value());
  }

  /**
   * The lock's hash.
   *
   * @param name a lock name's value
   * @return {@code <prefix>:{<name>}}
   */
  public String lockKey(String name) {
    return prefix + ":{" + name + "}";
  }

  /**
   * The name of a lock key, the inverse of {@link #lockKey(String)}.
   *
   * @param key a lock key of this key space
   * @return the lock name's value
   */
  public String nameOfLockKey(String key) {
    return key.substring(prefix.length() + 2, key.length() - 1);
  }

  String fenceKey(LockName name) {
    return fenceKeys.counterKeyFor(name.value());
  }

  /**
   * The counter the lock's fencing tokens are drawn from.
   *
   * @param name a lock name's value
   * @return {@code <prefix>:fence}, or on Cluster {@code <prefix>:{<slot tag>}:fence} in the lock's slot
   */
  public String fenceKey(String name) {
    return fenceKeys.counterKeyFor(name);
  }

  String releaseChannel(LockName name) {
    return releaseChannel(name.value());
  }

  /**
   * Where a release is published when the last hold goes; it shares the lock key's hash tag.
   *
   * @param name a lock name's value
   * @return {@code <prefix>:{<name>}:released}
   */
  public String releaseChannel(String name) {
    return lockKey(name) + RELEASED;
  }

  /**
   * The pattern that matches every lock's release channel (one {@code PSUBSCRIBE} per lock service instance).
   *
   * @return {@code <prefix>:{*}:released}
   */
  public String releasePattern() {
    return prefix + ":{*}" + RELEASED;
  }

  /**
   * The lock name in a release channel, the inverse of {@link #releaseChannel(String)}.
   *
   * @param channel a channel name
   * @return the lock name's value, or null if the channel is not a release channel of this key space
   */
  public String nameOfChannel(String channel) {
    String head = prefix + ":{";
    String tail = "}" + RELEASED;
    if (!channel.startsWith(head) || !channel.endsWith(tail) || channel.length() < head.length() + tail.length()) {
      return null;
    }
    return channel.substring(head.length(), channel.length() - tail.length());
  }

  /**
   * The holder hash of a read/write lock ({@code kind} {@code rw}) or a semaphore ({@code sem}); see holders.lua.
   * Its expiries, announced writers and release channel share its hash tag.
   *
   * @param name the primitive's name
   * @param kind {@code rw} or {@code sem}
   * @return {@code <prefix>:{<name>}:<kind>}
   */
  String holdersKey(LockName name, String kind) {
    return lockKey(name) + ":" + kind;
  }

  /** The zset of holder expiries beside {@link #holdersKey}: {@code <prefix>:{<name>}:<kind>:x}. */
  String expiriesKey(LockName name, String kind) {
    return holdersKey(name, kind) + ":x";
  }

  /** A read/write lock's announced waiting writers: {@code <prefix>:{<name>}:rw:wq}. */
  String announcedWritersKey(LockName name) {
    return holdersKey(name, "rw") + ":wq";
  }

  /**
   * Where a read/write lock or a semaphore publishes a release that may let a waiter in. It does not end in
   * {@code :released}, so the lock service's pattern subscription ({@link #releasePattern()}) does not hear it.
   */
  String holdersChannel(LockName name, String kind) {
    return holdersKey(name, kind) + ":freed";
  }

  /**
   * The lock's waiters as the lock service lists them (a sorted set in the lock's slot).
   *
   * @param name a lock name's value
   * @return {@code <prefix>:{<name>}:waiters}
   */
  public String waitersKey(String name) {
    return lockKey(name) + ":waiters";
  }

  /**
   * A fair lock's line of waiters, scored by ticket (fairqueue.lua); in the lock's slot.
   *
   * @param name a lock name's value
   * @return {@code <prefix>:{<name>}:queue}
   */
  public String queueKey(String name) {
    return lockKey(name) + ":queue";
  }

  /**
   * The deadlines of a fair lock's waiters in line (fairqueue.lua); in the lock's slot.
   *
   * @param name a lock name's value
   * @return {@code <prefix>:{<name>}:queue:until}
   */
  public String queueDeadlinesKey(String name) {
    return lockKey(name) + ":queue:until";
  }

  /**
   * A party's recorded waits in deadlock detection's wait-for graph (wait_edge.lua); in the party's own slot.
   *
   * @param party the party (an owner token's value, or a lock service session's party)
   * @return {@code <prefix>:waits:{<party>}}
   */
  public String waitsKey(String party) {
    return prefix + ":waits:{" + party + "}";
  }
}
