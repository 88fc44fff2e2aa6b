package io.holdfast.server;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a Holdfast server runs. Build one with {@link #builder()} or load one from flags, environment and a file
 * with {@link ServerSettings}; every field is checked when it is built, with the bad value in the message.
 *
 * @param host the address to listen on; a non-loopback address needs tokens or {@code insecureAllowNoAuth}
 * @param port the port (0 picks a free one)
 * @param redis where state lives: a library backend URI ({@code redis://}, {@code redis-sentinel://},
 *     {@code redis-cluster://}, {@code redis-quorum://}, each also {@code rediss}); null runs on the in-memory store
 *     (one instance, state lost on restart)
 * @param keyPrefix prefix of every Redis key; the same as the library's {@code keyPrefix} so that fencing tokens
 *     of a name never go backwards between the two
 * @param tokens accepted bearer tokens; empty turns authentication off (every caller is admin of tenant
 *     {@code default})
 * @param insecureAllowNoAuth allows listening on a non-loopback address without tokens
 * @param tlsCert PEM certificate chain for TLS, or null
 * @param tlsKey PEM private key for TLS, or null
 * @param tlsSelfSigned serve TLS with a generated self-signed certificate (tests and demos)
 * @param sessionTtl the TTL of a session that asks for none
 * @param minSessionTtl the shortest session TTL accepted
 * @param maxSessionTtl the longest session TTL accepted
 * @param lockDelay how long a lock freed by its session's expiry stays ungrantable (zero allowed)
 * @param maxWait the longest wait one Acquire call may ask for
 * @param recheckInterval how often a waiting acquire re-checks without a release message
 * @param redisTimeout how long one Redis command may take before the request fails with UNAVAILABLE
 * @param sessionRetention how long an expired session is still reported as expired (not unknown)
 * @param shutdownGrace how long a graceful shutdown lets in-flight requests finish
 * @param maxMessageBytes the largest request message accepted
 */
public record ServerConfig(
    String host,
    int port,
    URI redis,
    String keyPrefix,
    List<TokenGrant> tokens,
    boolean insecureAllowNoAuth,
    Path tlsCert,
    Path tlsKey,
    boolean tlsSelfSigned,
    Duration sessionTtl,
    Duration minSessionTtl,
    Duration maxSessionTtl,
    Duration lockDelay,
    Duration maxWait,
    Duration recheckInterval,
    Duration redisTimeout,
    Duration sessionRetention,
    Duration shutdownGrace,
    int maxMessageBytes) {

  /**
   * Validates the configuration.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public ServerConfig {
    Objects.requireNonNull(host, "host");
    tokens = List.copyOf(tokens);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
    }
    if (keyPrefix == null || !keyPrefix.matches("[A-Za-z0-9_.:-]{1,64}")) {
      throw new IllegalArgumentException("key prefix must be 1 to 64 characters of [A-Za-z0-9_.:-], was '"
          + keyPrefix + "'");
    }
    if (redis != null) {
      try {
        io.holdfast.redis.RedisTopology.of(redis);
      } catch (io.holdfast.InvalidArgumentException e) {
        throw new IllegalArgumentException("redis must be a redis://, rediss://, redis-sentinel://, redis-cluster://"
            + " or redis-quorum:// URI, was '" + redis.getScheme() + ":...'", e);
      }
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("TLS needs both a certificate and a key file");
    }
    positive(minSessionTtl, "min session TTL");
    between(sessionTtl, minSessionTtl, maxSessionTtl, "session TTL");
    nonNegative(lockDelay, "lock delay");
    positive(maxWait, "max wait");
    positive(recheckInterval, "recheck interval");
    positive(redisTimeout, "redis timeout");
    nonNegative(sessionRetention, "session retention");
    nonNegative(shutdownGrace, "shutdown grace");
    if (maxMessageBytes < 1024 || maxMessageBytes > 16 << 20) {
      throw new IllegalArgumentException("max message bytes must be 1 KiB to 16 MiB, was " + maxMessageBytes);
    }
    if (tokens.isEmpty() && !insecureAllowNoAuth && !isLoopback(host)) {
      throw new IllegalArgumentException("refusing to listen on " + host + " without authentication: configure"
          + " bearer tokens (--token TOKEN:TENANT:ROLE) or pass --insecure-allow-no-auth");
    }
  }

  /**
   * A builder with the defaults: 127.0.0.1:7420, in-memory store, no tokens, sessions of 10 s (1 s to 1 h),
   * lock-delay 5 s, waits up to 60 s, re-check every 1 s, Redis timeout 2 s, 64 KiB messages.
   *
   * @return a new builder
   */
  public static ServerConfigBuilder builder() {
    return new ServerConfigBuilder();
  }

  /**
   * Whether state lives in this process only.
   *
   * @return true without a Redis URI
   */
  public boolean inMemory() {
    return redis == null;
  }

  /**
   * Whether the listener uses TLS.
   *
   * @return true with a certificate or a self-signed one
   */
  public boolean tls() {
    return tlsSelfSigned || tlsCert != null;
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve host '" + host + "'", e);
    }
  }

  private static void positive(Duration value, String what) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
  }

  private static void nonNegative(Duration value, String what) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, was " + value);
    }
  }

  private static void between(Duration value, Duration min, Duration max, String what) {
    if (value == null || max == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + value);
    }
  }
}
