package io.holdfast.verify;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;

/*
 * Where the locks live, and the server-side faults it can suffer. The standalone topology runs its own
 * redis-server; an external one (--redis) supports no server faults. Sentinel and Cluster come with the HA issue
 * as two more implementations: they add failover kinds to supportedFaults() and handle them in inject/heal, and
 * nothing else in the checker changes. Methods are called from the fault scheduler's thread only.
 */
interface Topology extends AutoCloseable {

  /** One line for the report: kind, Redis version, persistence, address. */
  String describe();

  /** Where the clients' proxies forward to. */
  InetSocketAddress endpoint();

  /** The URI a client uses to reach Redis through a proxy listening on {@code proxyPort}. */
  default String clientUri(int proxyPort) {
    return "redis://127.0.0.1:" + proxyPort;
  }

  /** The Redis-side faults this topology can inject. */
  Set<FaultKind> supportedFaults();

  /**
   * Injects a Redis-side fault.
   *
   * @param kind one of {@link #supportedFaults()}
   * @param clockStep for {@link FaultKind#REDIS_CLOCK}, the step; ignored otherwise
   * @return a note for the history (what exactly was done)
   */
  String inject(FaultKind kind, Duration clockStep);

  /**
   * Heals a fault injected by {@link #inject}: resume, restart, step the clock back.
   *
   * @return a note for the history
   */
  String heal(FaultKind kind);

  @Override
  void close();
}
