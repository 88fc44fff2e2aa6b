package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.LockBackendProvider;
import java.net.URI;
import java.util.Locale;

/**
 * Provides the Redis backend for {@code redis://} and {@code rediss://} (TLS) URIs, in the form
 * {@code redis[s]://[[user]:password@]host[:port][/database][?timeout=...]} that Lettuce's {@code RedisURI}
 * parses. Found through {@link java.util.ServiceLoader}; applications call
 * {@link io.holdfast.Holdfast#connect(HoldfastOptions)} rather than this class.
 *
 * <p>Each backend it opens keeps one command connection and one pub/sub connection to the server, whatever
 * the number of locks. Keys are {@code <prefix>:{<name>}} (one small hash per held lock, with a Redis-timed
 * expiry) plus one fencing counter {@code <prefix>:fence}; release messages go to
 * {@code <prefix>:{<name>}:released}. The prefix is {@link HoldfastOptions#keyPrefix()}.
 */
public final class RedisLockBackendProvider implements LockBackendProvider {

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public RedisLockBackendProvider() { }

  /**
   * Whether the URI's scheme is {@code redis} or {@code rediss}.
   *
   * @param backend the backend URI
   * @return true for Redis URIs
   */
  @Override
  public boolean supports(URI backend) {
    String scheme = backend.getScheme();
    if (scheme == null) {
      return false;
    }
    String lower = scheme.toLowerCase(Locale.ROOT);
    return lower.equals("redis") || lower.equals("rediss");
  }

  /**
   * Connects to Redis, checks it answers and loads the lock scripts. Commands time out after
   * {@link HoldfastOptions#operationTimeout()}; the connection is named {@link HoldfastOptions#clientName()}
   * (spaces replaced by {@code _}) in {@code CLIENT LIST}.
   *
   * @param options the client options
   * @return a connected backend; close it to release its connections and threads
   * @throws io.holdfast.InvalidArgumentException when the URI is malformed
   * @throws io.holdfast.BackendUnavailableException when Redis cannot be reached; the message names the URI
   *     (without password) and the cause
   */
  @Override
  public LockBackend open(HoldfastOptions options) {
    return RedisLockBackend.open(options);
  }
}
