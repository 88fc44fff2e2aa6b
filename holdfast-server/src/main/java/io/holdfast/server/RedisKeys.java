package io.holdfast.server;

import io.holdfast.redis.RedisDeployment;

/*
 * Names of every Redis key and channel the service uses, in one place; the schema is documented in common.lua.
 * Lock keys are the holdfast-redis library's "<prefix>:{<full name>}", and the fence counter is the one the
 * library draws that lock's tokens from (one per deployment, or one per hash slot on Cluster, in the lock's
 * slot), so library and service grants of one name share one increasing token. Every key of one script shares
 * a hash tag: {F} for a lock, {sid} for a session, {sessions} / {locks} for the listing indexes. Immutable.
 */
final class RedisKeys {
  private final String prefix;
  private final boolean perSlotFence;

  RedisKeys(String prefix, boolean perSlotFence) {
    this.prefix = prefix;
    this.perSlotFence = perSlotFence;
  }

  String lock(LockKey lock) {
    return lock(lock.fullName());
  }

  String lock(String fullName) {
    return prefix + ":{" + fullName + "}";
  }

  /** The full name F of a lock key {@code P:{F}}. */
  String fullNameOfLock(String key) {
    return key.substring(prefix.length() + 2, key.length() - 1);
  }

  String releaseChannel(LockKey lock) {
    return lock(lock) + ":released";
  }

  /** The pattern matching every lock's release channel (one PSUBSCRIBE per service instance). */
  String releasePattern() {
    return prefix + ":{*}:released";
  }

  /** The full lock name in a release channel, or null if the channel is not one. */
  String fullNameOfChannel(String channel) {
    String head = prefix + ":{";
    String tail = "}:released";
    if (!channel.startsWith(head) || !channel.endsWith(tail) || channel.length() < head.length() + tail.length()) {
      return null;
    }
    return channel.substring(head.length(), channel.length() - tail.length());
  }

  String waiters(LockKey lock) {
    return lock(lock) + ":waiters";
  }

  /** The library's counter for this lock: {@code P:fence}, or on Cluster {@code P:{<slot tag>}:fence}. */
  String fence(LockKey lock) {
    return perSlotFence ? prefix + ":{" + RedisDeployment.slotTag(lock.fullName()) + "}:fence" : prefix + ":fence";
  }

  String session(String id) {
    return prefix + ":session:{" + id + "}";
  }

  String sessionLocks(String id) {
    return session(id) + ":locks";
  }

  String sessionExpiries() {
    return prefix + ":{sessions}:expiry";
  }

  String sessionIndex() {
    return prefix + ":{sessions}:index";
  }

  String lockIndex() {
    return prefix + ":{locks}:index";
  }

  String lockIndexGenerations() {
    return prefix + ":{locks}:gen";
  }
}
