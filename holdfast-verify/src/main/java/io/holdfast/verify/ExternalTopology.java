package io.holdfast.verify;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/*
 * A Redis the checker did not start (--redis URI): client and network faults still apply (the proxies sit in
 * front of it), Redis-side faults do not. Only a single server: a Sentinel or Cluster URI would hand the clients
 * addresses that bypass the proxies. The run writes keys under verify:* and tiny:* and leaves the fencing
 * counter behind, so point it at a scratch database.
 */
final class ExternalTopology implements Topology {
  private final URI uri;

  ExternalTopology(URI uri) {
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("--redis must look like redis://host:port, was " + uri);
    }
    this.uri = uri;
  }

  @Override
  public String describe() {
    return "external Redis at " + uri.getHost() + ":" + port() + " (no server faults)";
  }

  @Override
  public List<InetSocketAddress> endpoints() {
    return List.of(new InetSocketAddress(uri.getHost(), port()));
  }

  private int port() {
    return uri.getPort() > 0 ? uri.getPort() : 6379;
  }

  /** Keeps credentials and database of the given URI: the proxy forwards bytes, so AUTH passes through. */
  @Override
  public String clientUri(List<Integer> proxyPorts) {
    String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return uri.getScheme() + "://" + userInfo + "127.0.0.1:" + proxyPorts.get(0) + path;
  }

  /** The given URI as it is: a lock service instance reaches this Redis without a proxy. */
  @Override
  public String directUri() {
    return uri.toString();
  }

  @Override
  public Set<FaultKind> supportedFaults() {
    Set<FaultKind> kinds = FaultKind.clientSide();
    kinds.addAll(FaultKind.network());
    return kinds;
  }

  @Override
  public String inject(FaultKind kind, Duration clockStep) {
    throw new IllegalArgumentException("an external Redis cannot suffer " + kind.cliName());
  }

  @Override
  public String heal(FaultKind kind) {
    throw new IllegalArgumentException("an external Redis cannot suffer " + kind.cliName());
  }

  @Override
  public void close() {
    // Not ours to stop.
  }
}
