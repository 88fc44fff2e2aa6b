package io.holdfast.verify;

import java.net.InetSocketAddress;
import java.util.List;

/*
 * What the client JVMs connect to, and how each client's proxies are put in front of it: Redis itself (a
 * Topology), or the lock service instances of a --target service run (ServiceFleet). ClientFleet gives each
 * client one proxy per endpoint, so the network faults cut or delay exactly the links a client uses. Only reads.
 */
interface ClientEndpoints {

  /**
   * What each client's proxies forward to, one proxy per address, in the order {@link #clientUri} expects their
   * ports. Empty when clients must reach the servers directly (Sentinel and Cluster hand out the servers' own
   * addresses), which rules out the network faults.
   */
  List<InetSocketAddress> endpoints();

  /** The URI a client uses, given the ports of its proxies in the order of {@link #endpoints()}. */
  String clientUri(List<Integer> proxyPorts);

  /** The URI that reaches the endpoints without any proxy (what a lock service instance is pointed at). */
  default String directUri() {
    return clientUri(endpoints().stream().map(InetSocketAddress::getPort).toList());
  }
}
