package io.holdfast.server;

/* Opens the store a configuration names: Redis, or the in-memory store when there is no Redis URI. Stateless. */
final class Stores {
  private Stores() { }

  static LockStore open(ServerConfig config) {
    if (config.inMemory()) {
      return new MemoryStore(config.sessionRetention());
    }
    RedisConnection redis = RedisConnection.open(config.redis(), config.redisTimeout(), "holdfast-server");
    return new RedisStore(redis, config.keyPrefix(), config.sessionRetention());
  }
}
