package io.holdfast.server;

import io.holdfast.internal.Durations;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Loads a {@link ServerConfig} from command-line flags, environment variables and a config file, in that order
 * of precedence (a flag beats the environment, which beats the file, which beats the default).
 *
 * <p>Every setting has one name, used as the flag ({@code --lock-delay 5s}), the file key ({@code lock-delay =
 * 5s}, Java properties syntax) and, upper-cased with {@code HOLDFAST_} in front and '-' as '_', the environment
 * variable ({@code HOLDFAST_LOCK_DELAY=5s}). The file is named by {@code --config FILE} or
 * {@code HOLDFAST_CONFIG}. Durations are written {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601
 * ({@code PT5S}). See {@link #KEYS} for the names.
 */
public final class ServerSettings {
  /** Every setting name, with what it sets. */
  public static final Map<String, String> KEYS = keys();

  private ServerSettings() { }

  private static Map<String, String> keys() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("host", "address to listen on (default 127.0.0.1)");
    keys.put("port", "port to listen on (default 7420; 0 picks a free one)");
    keys.put("redis", "redis://, redis-sentinel://, redis-cluster:// or redis-quorum:// (rediss for TLS); none: the"
        + " embedded in-memory store");
    keys.put("key-prefix", "prefix of every Redis key (default holdfast, as the library's)");
    keys.put("tokens", "bearer tokens, comma-separated TOKEN:TENANT:ROLE (role client or admin); none: auth off");
    keys.put("insecure-allow-no-auth", "true to listen on a non-loopback address without tokens");
    keys.put("tls-cert", "PEM certificate chain for TLS");
    keys.put("tls-key", "PEM private key for TLS");
    keys.put("tls-self-signed", "true to serve TLS with a generated self-signed certificate (testing only)");
    keys.put("session-ttl", "TTL of sessions that ask for none (default 10s)");
    keys.put("min-session-ttl", "shortest session TTL accepted (default 1s)");
    keys.put("max-session-ttl", "longest session TTL accepted (default 1h)");
    keys.put("lock-delay", "how long a lock freed by session expiry stays ungrantable (default 5s; 0 allowed)");
    keys.put("max-wait", "longest wait one Acquire call may ask for (default 60s)");
    keys.put("recheck-interval", "how often a waiting acquire re-checks without a release message (default 1s)");
    keys.put("redis-timeout", "how long one Redis command may take before a request fails (default 2s)");
    keys.put("session-retention", "how long an expired session is still reported as expired (default 60s)");
    keys.put("shutdown-grace", "how long a graceful shutdown lets requests finish (default 5s)");
    keys.put("max-message-bytes", "largest request message accepted (default 65536)");
    return java.util.Collections.unmodifiableMap(keys);
  }

  /**
   * Resolves the configuration.
   *
   * @param flags settings given on the command line, by name (plus {@code config} for the file)
   * @param env the environment, usually {@link System#getenv()}
   * @return the validated configuration
   * @throws IllegalArgumentException on an unknown name, an unreadable file or a bad value, naming its source
   */
  public static ServerConfig load(Map<String, String> flags, Map<String, String> env) {
    Map<String, String> merged = new LinkedHashMap<>();
    String file = flags.getOrDefault("config", env.get("HOLDFAST_CONFIG"));
    if (file != null) {
      merged.putAll(readFile(Path.of(file)));
    }
    for (String key : KEYS.keySet()) {
      String value = env.get("HOLDFAST_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
      if (value != null && !value.isBlank()) {
        merged.put(key, value);
      }
    }
    flags.forEach((key, value) -> {
      if (!key.equals("config")) {
        known(key, "flag");
        merged.put(key, value);
      }
    });
    return build(merged);
  }

  private static Map<String, String> readFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      known(key, "key in " + file);
      values.put(key, properties.getProperty(key).trim());
    }
    return values;
  }

  private static void known(String key, String what) {
    if (!KEYS.containsKey(key)) {
      throw new IllegalArgumentException("unknown " + what + " '" + key + "'; known: "
          + String.join(", ", KEYS.keySet()));
    }
  }

  private static ServerConfig build(Map<String, String> values) {
    ServerConfigBuilder builder = ServerConfig.builder();
    ServerConfig defaults = builder.build();
    apply(values, "host", builder::host);
    apply(values, "port", v -> builder.port(integer("port", v)));
    apply(values, "redis", v -> builder.redis(v.isBlank() ? null : URI.create(v)));
    apply(values, "key-prefix", builder::keyPrefix);
    apply(values, "tokens", v -> List.of(v.split(",")).stream().map(String::trim).filter(t -> !t.isEmpty())
        .map(TokenGrant::parse).forEach(builder::token));
    apply(values, "insecure-allow-no-auth", v -> builder.insecureAllowNoAuth(bool("insecure-allow-no-auth", v)));
    if (values.containsKey("tls-cert") || values.containsKey("tls-key")) {
      builder.tls(path(values.get("tls-cert")), path(values.get("tls-key")));
    }
    apply(values, "tls-self-signed", v -> builder.tlsSelfSigned(bool("tls-self-signed", v)));
    builder.sessionTtl(duration(values, "session-ttl", defaults.sessionTtl()),
        duration(values, "min-session-ttl", defaults.minSessionTtl()),
        duration(values, "max-session-ttl", defaults.maxSessionTtl()));
    builder.lockDelay(duration(values, "lock-delay", defaults.lockDelay()));
    builder.maxWait(duration(values, "max-wait", defaults.maxWait()));
    builder.recheckInterval(duration(values, "recheck-interval", defaults.recheckInterval()));
    builder.redisTimeout(duration(values, "redis-timeout", defaults.redisTimeout()));
    builder.sessionRetention(duration(values, "session-retention", defaults.sessionRetention()));
    builder.shutdownGrace(duration(values, "shutdown-grace", defaults.shutdownGrace()));
    apply(values, "max-message-bytes", v -> builder.maxMessageBytes(integer("max-message-bytes", v)));
    return builder.build();
  }

  private static void apply(Map<String, String> values, String key, java.util.function.Consumer<String> setter) {
    String value = values.get(key);
    if (value != null) {
      setter.accept(value.trim());
    }
  }

  private static Path path(String value) {
    return value == null ? null : Path.of(value);
  }

  private static int integer(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'");
    }
  }

  private static boolean bool(String key, String value) {
    if (value.isEmpty() || value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(key + " must be true or false, was '" + value + "'");
  }

  private static Duration duration(Map<String, String> values, String key, Duration fallback) {
    String value = values.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }
}
