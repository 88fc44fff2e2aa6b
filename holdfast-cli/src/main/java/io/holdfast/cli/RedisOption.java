package io.holdfast.cli;

import io.holdfast.InvalidArgumentException;
import io.holdfast.redis.RedisTopology;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/*
 * The --redis option, shared as a picocli mixin by every command that talks to a backend. The URI is checked
 * when parsed, so a typo is a usage error (exit 2, with usage) before anything connects.
 */
final class RedisOption {
  /** The option's description, also used by commands that declare --redis themselves as required. */
  static final String DESCRIPTION = "Redis to use (docs/guarantees.md), one of:"
      + "%n  redis://[user:password@]host:port[/db]%n  rediss://... (TLS)"
      + "%n  redis-sentinel://h1:26379,h2:26379%n    ?sentinelMasterId=NAME%n  redis-cluster://h1:7000,h2:7000"
      + "%n  redis-quorum://h1:6379,h2:6379,h3:6379";

  @Option(names = "--redis", paramLabel = "URI", converter = UriConverter.class, description = DESCRIPTION)
  URI uri;

  Optional<URI> optional() {
    return Optional.ofNullable(uri);
  }

  static final class UriConverter implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      URI uri;
      try {
        uri = new URI(value);
      } catch (URISyntaxException e) {
        throw new TypeConversionException("'" + Backends.redact(value) + "' is not a URI: " + e.getReason());
      }
      RedisTopology topology;
      try {
        topology = RedisTopology.of(uri);
      } catch (InvalidArgumentException e) {
        throw new TypeConversionException("'" + Backends.redact(value) + "' is not a Redis URI; expected "
            + "redis://host:port, rediss://host:port, redis-sentinel://, redis-cluster:// or redis-quorum://");
      }
      // Several hosts (h1:p1,h2:p2) leave URI.getHost() empty; the topology parses them when it connects.
      if (topology == RedisTopology.STANDALONE && uri.getHost() == null
          || topology != RedisTopology.STANDALONE && uri.getRawAuthority() == null) {
        throw new TypeConversionException("'" + Backends.redact(value)
            + "' names no host; expected redis://host:port, e.g. redis://127.0.0.1:6379");
      }
      return uri;
    }
  }
}
