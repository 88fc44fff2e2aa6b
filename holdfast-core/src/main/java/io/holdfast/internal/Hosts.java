package io.holdfast.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/*
 * The one rule for naming this host in logs and to the lock service: the resolver's host name, else $HOSTNAME,
 * else "(unknown host)". Stateless; the resolver may block briefly on a misconfigured host, so callers ask once.
 */
public final class Hosts {
  private Hosts() { }

  /**
   * This host's name.
   *
   * @return {@code InetAddress.getLocalHost().getHostName()}, else {@code $HOSTNAME}, else "(unknown host)"
   */
  public static String localName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("(unknown host)");
    }
  }
}
