package io.holdfast.server;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds a {@link ServerConfig}; not thread-safe. Each setter takes the field of the same name. */
public final class ServerConfigBuilder {
  private String host = "127.0.0.1";
  private int port = 7420;
  private URI redis;
  private String keyPrefix = "holdfast";
  private final List<TokenGrant> tokens = new ArrayList<>();
  private boolean insecureAllowNoAuth;
  private Path tlsCert;
  private Path tlsKey;
  private boolean tlsSelfSigned;
  private Duration sessionTtl = Duration.ofSeconds(10);
  private Duration minSessionTtl = Duration.ofSeconds(1);
  private Duration maxSessionTtl = Duration.ofHours(1);
  private Duration lockDelay = Duration.ofSeconds(5);
  private Duration maxWait = Duration.ofSeconds(60);
  private Duration recheckInterval = Duration.ofSeconds(1);
  private Duration redisTimeout = Duration.ofSeconds(2);
  private Duration sessionRetention = Duration.ofSeconds(60);
  private Duration shutdownGrace = Duration.ofSeconds(5);
  private int maxMessageBytes = 64 * 1024;

  ServerConfigBuilder() { }

  /** @param value see {@link ServerConfig#host()} @return this builder */
  public ServerConfigBuilder host(String value) {
    host = value;
    return this;
  }

  /** @param value see {@link ServerConfig#port()} @return this builder */
  public ServerConfigBuilder port(int value) {
    port = value;
    return this;
  }

  /** @param value see {@link ServerConfig#redis()}; null for the in-memory store @return this builder */
  public ServerConfigBuilder redis(URI value) {
    redis = value;
    return this;
  }

  /** @param value see {@link ServerConfig#keyPrefix()} @return this builder */
  public ServerConfigBuilder keyPrefix(String value) {
    keyPrefix = value;
    return this;
  }

  /** @param value a grant to add to {@link ServerConfig#tokens()} @return this builder */
  public ServerConfigBuilder token(TokenGrant value) {
    tokens.add(value);
    return this;
  }

  /** @param value see {@link ServerConfig#insecureAllowNoAuth()} @return this builder */
  public ServerConfigBuilder insecureAllowNoAuth(boolean value) {
    insecureAllowNoAuth = value;
    return this;
  }

  /**
   * Serves TLS with the given PEM files.
   *
   * @param cert the certificate chain
   * @param key the private key
   * @return this builder
   */
  public ServerConfigBuilder tls(Path cert, Path key) {
    tlsCert = cert;
    tlsKey = key;
    return this;
  }

  /** @param value see {@link ServerConfig#tlsSelfSigned()} @return this builder */
  public ServerConfigBuilder tlsSelfSigned(boolean value) {
    tlsSelfSigned = value;
    return this;
  }

  /**
   * Sets the session TTLs.
   *
   * @param defaultTtl for sessions that ask for none
   * @param min the shortest accepted
   * @param max the longest accepted
   * @return this builder
   */
  public ServerConfigBuilder sessionTtl(Duration defaultTtl, Duration min, Duration max) {
    sessionTtl = defaultTtl;
    minSessionTtl = min;
    maxSessionTtl = max;
    return this;
  }

  /** @param value see {@link ServerConfig#lockDelay()} @return this builder */
  public ServerConfigBuilder lockDelay(Duration value) {
    lockDelay = value;
    return this;
  }

  /** @param value see {@link ServerConfig#maxWait()} @return this builder */
  public ServerConfigBuilder maxWait(Duration value) {
    maxWait = value;
    return this;
  }

  /** @param value see {@link ServerConfig#recheckInterval()} @return this builder */
  public ServerConfigBuilder recheckInterval(Duration value) {
    recheckInterval = value;
    return this;
  }

  /** @param value see {@link ServerConfig#redisTimeout()} @return this builder */
  public ServerConfigBuilder redisTimeout(Duration value) {
    redisTimeout = value;
    return this;
  }

  /** @param value see {@link ServerConfig#sessionRetention()} @return this builder */
  public ServerConfigBuilder sessionRetention(Duration value) {
    sessionRetention = value;
    return this;
  }

  /** @param value see {@link ServerConfig#shutdownGrace()} @return this builder */
  public ServerConfigBuilder shutdownGrace(Duration value) {
    shutdownGrace = value;
    return this;
  }

  /** @param value see {@link ServerConfig#maxMessageBytes()} @return this builder */
  public ServerConfigBuilder maxMessageBytes(int value) {
    maxMessageBytes = value;
    return this;
  }

  /**
   * Validates and builds.
   *
   * @return the configuration
   * @throws IllegalArgumentException naming the bad value
   */
  public ServerConfig build() {
    return new ServerConfig(host, port, redis, keyPrefix, tokens, insecureAllowNoAuth, tlsCert, tlsKey,
        tlsSelfSigned, sessionTtl, minSessionTtl, maxSessionTtl, lockDelay, maxWait, recheckInterval,
        redisTimeout, sessionRetention, shutdownGrace, maxMessageBytes);
  }
}
