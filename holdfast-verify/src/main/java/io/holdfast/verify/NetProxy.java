package io.holdfast.verify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/*
 * A loopback TCP proxy between one client JVM and Redis, owned by the checker: the network faults. Delay holds
 * every chunk for the configured time before forwarding it (in both directions, order preserved: one reader and
 * one writer thread per direction, the writer waiting until each chunk is due). Cut resets every connection and
 * refuses new ones until healed, which is what a client sees of a partition once its TCP gives up.
 *
 * Redis restarts need nothing special: the upstream connection fails, the proxy closes the client side, and the
 * client's reconnect opens a new upstream connection to the restarted server on the same port.
 */
final class NetProxy implements AutoCloseable {
  private static final Chunk END = new Chunk(0, new byte[0]);

  private final InetSocketAddress upstream;
  private final ServerSocket server;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile long delayNanos;
  private volatile boolean cut;

  NetProxy(String name, InetSocketAddress upstream) {
    this.upstream = upstream;
    try {
      this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a proxy port", e);
    }
    daemon(this::acceptLoop, "proxy-" + name).start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Adds {@code delay} to every chunk forwarded from now on; zero heals. */
  void delay(Duration delay) {
    delayNanos = delay.toNanos();
  }

  /** Cuts (resets all connections, refuses new ones) or heals. */
  void cut(boolean on) {
    cut = on;
    if (on) {
      sockets.forEach(NetProxy::closeQuietly);
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket downstream = server.accept();
        if (cut) {
          closeQuietly(downstream);
          continue;
        }
        connect(downstream);
      } catch (IOException e) {
        // Closed while accepting, or one connection could not be set up; the loop condition decides.
      }
    }
  }

  private void connect(Socket downstream) {
    Socket up = new Socket();
    try {
      up.connect(upstream, 1_000);
      up.setTcpNoDelay(true);
      downstream.setTcpNoDelay(true);
    } catch (IOException e) {
      closeQuietly(up);
      closeQuietly(downstream);
      return;
    }
    sockets.add(up);
    sockets.add(downstream);
    pipe(downstream, up);
    pipe(up, downstream);
  }

  private void pipe(Socket from, Socket to) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    daemon(() -> read(from, to, queue), "proxy-read").start();
    daemon(() -> write(from, to, queue), "proxy-write").start();
  }

  private void read(Socket from, Socket to, BlockingQueue<Chunk> queue) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
      }
    } catch (IOException e) {
      // The connection ended or was cut; the writer closes both ends.
    }
    queue.add(END);
  }

  private void write(Socket from, Socket to, BlockingQueue<Chunk> queue) {
    try (OutputStream out = to.getOutputStream()) {
      for (Chunk chunk = queue.take(); chunk != END; chunk = queue.take()) {
        for (long wait = chunk.due - System.nanoTime(); wait > 0; wait = chunk.due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
        out.write(chunk.bytes);
        out.flush();
      }
    } catch (IOException e) {
      // The peer went away; close both ends below.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  @Override
  public void close() {
    closeQuietly(server);
    sockets.forEach(NetProxy::closeQuietly);
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // Already closed or reset: nothing left to release.
    }
  }

  /** Bytes read at one time, due for forwarding at {@code due} (System.nanoTime). */
  private record Chunk(long due, byte[] bytes) { }
}
