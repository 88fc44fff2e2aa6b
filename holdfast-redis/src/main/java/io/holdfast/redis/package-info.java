/**
 * The Redis backend for Holdfast, on Lettuce: {@link io.holdfast.redis.RedisLockBackendProvider} serves
 * one server, Sentinel, Cluster and independent-master URIs ({@link io.holdfast.redis.RedisTopology}).
 * Applications do not use this package directly; it is found through {@link java.util.ServiceLoader} when it
 * is on the class path. {@link io.holdfast.redis.RedisDeployment} gives code that runs its own scripts (the lock
 * service) the same connections and topology rules.
 *
 * <p>Every lock operation is one Lua script (under {@code io/holdfast/redis/*.lua}, each documented in its
 * header), so it is atomic on the server and timed by the server's clock.
 */
package io.holdfast.redis;
