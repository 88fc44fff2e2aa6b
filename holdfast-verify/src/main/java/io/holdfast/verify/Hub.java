package io.holdfast.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The checker's loopback server that client JVMs report to: one thread per connection (a few dozen at most),
 * events into the Recorder, writes through the FencedResource. It also keeps each client's control connection so
 * the checker can send commands (clock steps, stop), and the worst clock-mapping figures for the report.
 */
final class Hub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Hub.class);

  private final Recorder recorder;
  private final FencedResource resource;
  private final ServerSocket server;
  private final Map<String, Wire> controls = new ConcurrentHashMap<>();
  private final AtomicLong worstUncertainty = new AtomicLong();
  private final AtomicLong contradictions = new AtomicLong();
  private final Thread acceptor;

  Hub(Recorder recorder, FencedResource resource) {
    this.recorder = recorder;
    this.resource = resource;
    try {
      this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the checker's hub socket", e);
    }
    this.acceptor = new Thread(this::acceptLoop, "verify-hub");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread handler = new Thread(new HubConnection(new Wire(socket), this, recorder, resource),
            "verify-hub-" + socket.getPort());
        handler.setDaemon(true);
        handler.start();
      } catch (IOException e) {
        if (!server.isClosed()) {
          log.warn("hub accept failed", e);
        }
      }
    }
  }

  void connected(String client, String process, Wire wire, TimeMap clock) {
    worstUncertainty.accumulateAndGet(clock.uncertainty(), Math::max);
    if (client.equals(process)) {
      synchronized (this) {
        controls.put(client, wire);
        notifyAll();
      }
    }
  }

  void disconnected(String client, String process, TimeMap clock) {
    contradictions.addAndGet(clock.contradictions());
    if (client.equals(process)) {
      controls.remove(client);
    }
  }

  /** Waits until the client's control connection is up. */
  synchronized boolean awaitClient(String client, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!controls.containsKey(client)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** Sends a command to a client's control connection; false when it is not connected. */
  boolean command(String client, String line) {
    Wire wire = controls.get(client);
    if (wire == null) {
      return false;
    }
    synchronized (wire) {
      wire.send(line);
      return !wire.failed();
    }
  }

  boolean isConnected(String client) {
    return controls.containsKey(client);
  }

  /** The widest clock-offset bracket of any connection, in nanoseconds. */
  long worstUncertaintyNanos() {
    return worstUncertainty.get();
  }

  /** Events whose stamps contradicted their connection's bracket (should be 0). */
  long clockContradictions() {
    return contradictions.get();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      log.debug("closing the hub socket failed", e);
    }
    controls.values().forEach(Wire::close);
  }
}
