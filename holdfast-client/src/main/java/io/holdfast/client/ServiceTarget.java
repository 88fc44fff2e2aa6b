package io.holdfast.client;

import io.holdfast.InvalidArgumentException;
import io.holdfast.internal.Durations;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the lock service is, parsed from a backend URI:
 * {@code holdfast[s]://[TOKEN@]host:port[,host:port...][?session-ttl=10s&ca=/path/ca.pem&client-host=NAME]}.
 *
 * <p>The bearer token comes from the URI's user-info, else from the environment variable {@code HOLDFAST_TOKEN};
 * none means the server must run without authentication. {@code holdfasts} uses TLS, trusting the system's CAs
 * or the PEM file in {@code ca}. Several hosts are instances of one service (they share Redis): calls go to a
 * healthy one and move to another when it fails. Immutable; {@link #toString()} never shows the token.
 *
 * @param tls whether to use TLS
 * @param hosts one or more {@code host:port}
 * @param token the bearer token, if any
 * @param sessionTtl the session TTL to ask for, or empty for the server's default
 * @param trustedCa a PEM file of CAs to trust instead of the system's, if any
 * @param clientHost the host name the client reports at OpenSession instead of its own (admin views show it)
 */
record ServiceTarget(boolean tls, List<HostPort> hosts, Optional<String> token, Optional<Duration> sessionTtl,
    Optional<Path> trustedCa, Optional<String> clientHost) {

  /** One instance. */
  record HostPort(String host, int port) { }

  static final String TOKEN_ENV = "HOLDFAST_TOKEN";
  private static final int DEFAULT_PORT = 7420;

  static boolean supports(java.net.URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("holdfast") || scheme.equals("holdfasts");
  }

  /**
   * Parses a URI string; multi-host URIs are parsed by hand, since {@link java.net.URI} gives them no host.
   *
   * @throws InvalidArgumentException naming what is wrong (never quoting the token)
   */
  static ServiceTarget parse(String uri, Map<String, String> env) {
    int colon = uri.indexOf("://");
    if (colon < 0) {
      throw new InvalidArgumentException("lock service URI must look like holdfast://host:port, was '"
          + redact(uri) + "'");
    }
    boolean tls = uri.substring(0, colon).equalsIgnoreCase("holdfasts");
    String rest = uri.substring(colon + 3);
    int query = rest.indexOf('?');
    Map<String, String> params = query < 0 ? Map.of() : params(rest.substring(query + 1));
    String authority = stripPath(query < 0 ? rest : rest.substring(0, query));
    int at = authority.lastIndexOf('@');
    Optional<String> token = at < 0 ? Optional.ofNullable(env.get(TOKEN_ENV)).filter(t -> !t.isBlank())
        : Optional.of(URLDecoder.decode(authority.substring(0, at), StandardCharsets.UTF_8));
    List<HostPort> hosts = hosts(at < 0 ? authority : authority.substring(at + 1), uri);
    return new ServiceTarget(tls, hosts, token, duration(params.get("session-ttl")),
        Optional.ofNullable(params.get("ca")).map(Path::of), Optional.ofNullable(params.get("client-host")));
  }

  /** The URI without the token, for messages. */
  String describe() {
    StringBuilder out = new StringBuilder(tls ? "holdfasts://" : "holdfast://");
    for (int i = 0; i < hosts.size(); i++) {
      out.append(i == 0 ? "" : ",").append(hosts.get(i).host()).append(':').append(hosts.get(i).port());
    }
    return out.toString();
  }

  private static String stripPath(String authority) {
    int slash = authority.indexOf('/');
    return slash < 0 ? authority : authority.substring(0, slash);
  }

  private static List<HostPort> hosts(String list, String uri) {
    List<HostPort> hosts = new ArrayList<>();
    for (String part : list.split(",")) {
      String hostPort = part.trim();
      if (hostPort.isEmpty()) {
        throw new InvalidArgumentException("lock service URI names an empty host: '" + redact(uri) + "'");
      }
      int portAt = hostPort.lastIndexOf(':');
      boolean bracketed = hostPort.startsWith("[");
      if (portAt < 0 || (bracketed && portAt < hostPort.indexOf(']'))) {
        hosts.add(new HostPort(unbracket(hostPort), DEFAULT_PORT));
        continue;
      }
      try {
        int port = Integer.parseInt(hostPort.substring(portAt + 1));
        if (port < 1 || port > 65_535) {
          throw new NumberFormatException();
        }
        hosts.add(new HostPort(unbracket(hostPort.substring(0, portAt)), port));
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("lock service URI has a bad port in '" + hostPort + "': '"
            + redact(uri) + "'");
      }
    }
    return List.copyOf(hosts);
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static Map<String, String> params(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (!key.equals("session-ttl") && !key.equals("ca") && !key.equals("client-host")) {
        throw new InvalidArgumentException("unknown lock service URI parameter '" + key
            + "'; known: session-ttl, ca, client-host");
      }
      params.put(key, value);
    }
    return params;
  }

  private static Optional<Duration> duration(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("session-ttl: " + e.getMessage());
    }
    if (d.isNegative() || d.isZero()) {
      throw new InvalidArgumentException("session-ttl must be positive, was '" + text + "'");
    }
    return Optional.of(d);
  }


  private static String redact(String uri) {
    return uri.replaceFirst("//[^/@]*@", "//");
  }

  @Override
  public String toString() {
    return "ServiceTarget[" + describe() + ", token=" + (token.isPresent() ? "***" : "none") + "]";
  }
}
