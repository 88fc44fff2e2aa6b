package io.holdfast.server;

import io.holdfast.redis.KeySpace;

/*
 * Names of the Redis keys the service adds to the library's key schema (sessions and listing indexes; the
 * schema is documented in common.lua). Every lock key, fence counter, release channel and waiter set is the
 * library's KeySpace, for the full name "<tenant>/<name>", so library and service grants of one name are one
 * lock with one increasing token. Every key of one script shares a hash tag: {F} for a lock, {sid} for a
 * session, {sessions} / {locks} for the listing indexes. Immutable.
 */
final class RedisKeys {
  private final String prefix;
  private final KeySpace locks;

  RedisKeys(String prefix, boolean cluster) {
    this.prefix = prefix;
    this.locks = KeySpace.of(prefix, cluster);
  }

  /** The library's key schema of every lock. */
  KeySpace lockSpace() {
    return locks;
  }

  String lock(LockKey lock) {
    return locks.lockKey(lock.fullName());
  }

  /** The full name F of a lock key {@code P:{F}}. */
  String fullNameOfLock(String key) {
    return locks.nameOfLockKey(key);
  }

  /** The pattern matching every lock's release channel (one PSUBSCRIBE per service instance). */
  String releasePattern() {
    return locks.releasePattern();
  }

  /** The full lock name in a release channel, or null if the channel is not one. */
  String fullNameOfChannel(String channel) {
    return locks.nameOfChannel(channel);
  }

  String waiters(LockKey lock) {
    return locks.waitersKey(lock.fullName());
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
