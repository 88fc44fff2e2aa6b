package io.holdfast.server;

/* Opens the store a configuration names: Redis, or the in-memory store when there is no Redis URI. Stateless. */
final class Stores {
  private Stores() { }

  static LockStore open(ServerConfig config) {
    if (config.inMemory()) {
      return new MemoryStore(config.sessionRetention());
    }
    if (io.holdfast.redis.RedisTopology.of(config.redis()) == io.holdfast.redis.RedisTopology.QUORUM) {
      return new QuorumStore(QuorumMasters.open(config.redis(), config.redisTimeout(), config.keyPrefix(),
          "holdfast-server"), config.sessionRetention());
    }
    RedisLink redis = RedisLink.open(config.redis(), config.redisTimeout(), "holdfast-server");
    // The service checks its waits for deadlocks unless its Redis URI says deadlockDetection=off.
    return new RedisStore(redis, config.keyPrefix(), config.sessionRetention(),
        io.holdfast.redis.RedisDeployment.deadlockVictim(config.redis(), io.holdfast.DeadlockVictim.REQUESTER));
  }
}
