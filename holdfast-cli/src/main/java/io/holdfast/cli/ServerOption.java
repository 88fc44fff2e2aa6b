package io.holdfast.cli;

import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/*
 * The --server option of the commands that talk to a running lock service, shared as a picocli mixin; it falls
 * back to HOLDFAST_SERVER. The bearer token goes in the URI (holdfast://TOKEN@host:port) or in HOLDFAST_TOKEN.
 * Checked when the command runs, so a missing or non-holdfast URI is a usage error before anything connects.
 */
final class ServerOption {
  static final String ENV = "HOLDFAST_SERVER";
  static final String TOKEN_ENV = "HOLDFAST_TOKEN";
  /** host:port[,host:port...] with a name, an IPv4 address or a bracketed IPv6 address. */
  private static final String HOST_PORT = "(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):\\d{1,5}";
  private static final Pattern HOST_PORTS = Pattern.compile(HOST_PORT + "(?:," + HOST_PORT + ")*");

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--server", paramLabel = "URI",
      description = {"The lock service (default: $" + ENV + "):", "  host:port[,host:port...]",
          "  holdfast://[TOKEN@]host:port[,...]", "  holdfasts://... (TLS)",
          "The token: in the URI, or $" + TOKEN_ENV + "."})
  String uri;

  String required() {
    String value = uri != null ? uri : System.getenv(ENV);
    if (value == null || value.isBlank()) {
      throw new ParameterException(mixee.commandLine(),
          "Missing lock service: pass --server holdfast://host:port or set " + ENV);
    }
    if (!value.contains("://") && HOST_PORTS.matcher(value.trim()).matches()) {
      value = "holdfast://" + value.trim(); // host:port, as etcdctl and consul take their endpoints
    }
    String scheme = value.contains("://") ? value.substring(0, value.indexOf("://")).toLowerCase(Locale.ROOT) : "";
    if (!scheme.equals("holdfast") && !scheme.equals("holdfasts")) {
      throw new ParameterException(mixee.commandLine(), "'" + Backends.redact(value)
          + "' is not a lock service address; expected host:port, holdfast://host:port or holdfasts://host:port");
    }
    return value;
  }
}
