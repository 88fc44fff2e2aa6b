package io.holdfast.server;

/*
 * Names of every Redis key and channel the service uses, in one place; the schema is documented in common.lua.
 * Lock keys are the holdfast-redis library's "<prefix>:{<full name>}", so the library and the service agree on
 * which key is which lock. Immutable.
 */
final class RedisKeys {
  private final String prefix;

  RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  String prefix() {
    return prefix;
  }

  String lock(LockKey lock) {
    return prefix + ":{" + lock.fullName() + "}";
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

  String fence() {
    return prefix + ":fence";
  }

  String session(String id) {
    return prefix + ":session:{" + id + "}";
  }

  String sessionLocks(String id) {
    return session(id) + ":locks";
  }

  String sessionExpiries() {
    return prefix + ":sessions:expiry";
  }

  String sessionIndex() {
    return prefix + ":sessions:index";
  }

  String lockIndex() {
    return prefix + ":locks:index";
  }
}
