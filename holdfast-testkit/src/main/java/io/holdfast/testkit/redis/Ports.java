package io.holdfast.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Loopback port helpers. A port found free here can be taken by someone else before redis-server
 * binds it; {@link RedisServer} copes by retrying with another port, not by trusting this check.
 */
final class Ports {

  /** The IPv4 loopback address, spelled out so an IPv6-preferring JVM cannot swap in {@code ::1}. */
  static final InetAddress LOOPBACK = loopback();

  private static final long POLL_MILLIS = 25;

  private Ports() {}

  /** Asks the kernel for a port that is free on 127.0.0.1 right now. */
  static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free loopback port", e);
    }
  }

  /**
   * Whether redis-server could bind the port now. SO_REUSEADDR mirrors what redis-server sets, so a
   * connection lingering in TIME_WAIT does not count as "taken" here either.
   */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Waits until the port can be bound again, as after a SIGKILL the kernel may need a moment to
   * release the dead process's listening socket.
   *
   * @throws IllegalStateException if it is still taken when the timeout passes
   */
  static void awaitFree(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isFree(port)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("Port " + port + " on 127.0.0.1 is still in use after "
            + timeout.toMillis() + " ms; another process has probably taken it");
      }
      sleep(POLL_MILLIS);
    }
  }

  /** Sleeps, turning an interrupt into an exception that keeps the interrupt flag set. */
  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting", e);
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new AssertionError("A literal four-byte address is always valid", e);
    }
  }
}
