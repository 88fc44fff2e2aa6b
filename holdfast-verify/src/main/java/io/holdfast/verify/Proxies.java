package io.holdfast.verify;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/*
 * One client's proxies, one per server the topology lets a client reach through a proxy (one for a single
 * server, one per master for independent masters, none for Sentinel and Cluster). A network fault hits all of
 * them at once, so the client is delayed or cut off from the whole deployment, as from one host.
 */
final class Proxies implements AutoCloseable {
  private final List<NetProxy> proxies;

  Proxies(String name, List<InetSocketAddress> upstreams) {
    this.proxies = upstreams.stream().map(upstream -> new NetProxy(name, upstream)).toList();
  }

  /** The local ports, in the order of the upstreams. */
  List<Integer> ports() {
    return proxies.stream().map(NetProxy::port).toList();
  }

  void delay(Duration delay) {
    proxies.forEach(p -> p.delay(delay));
  }

  void cut(boolean on) {
    proxies.forEach(p -> p.cut(on));
  }

  @Override
  public void close() {
    proxies.forEach(NetProxy::close);
  }
}
