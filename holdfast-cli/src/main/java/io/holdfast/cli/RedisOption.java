package io.holdfast.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/*
 * The --redis option, shared as a picocli mixin by every command that talks to a backend. The URI is checked
 * when parsed, so a typo is a usage error (exit 2, with usage) before anything connects.
 */
final class RedisOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--redis", paramLabel = "URI", converter = UriConverter.class,
      description = "Redis to use: redis://[user:password@]host:port[/db], or rediss:// for TLS.")
  URI uri;

  Optional<URI> optional() {
    return Optional.ofNullable(uri);
  }

  /** For commands that cannot work without Redis (an embedded store would be empty in a new process). */
  URI required() {
    if (uri == null) {
      throw new ParameterException(mixee.commandLine(), "Missing required option: '--redis=URI'");
    }
    return uri;
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
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("redis") && !scheme.equals("rediss")) {
        throw new TypeConversionException("'" + Backends.redact(value)
            + "' is not a Redis URI; expected redis://host:port or rediss://host:port");
      }
      if (uri.getHost() == null) {
        throw new TypeConversionException("'" + Backends.redact(value)
            + "' names no host; expected redis://host:port, e.g. redis://127.0.0.1:6379");
      }
      return uri;
    }
  }
}
