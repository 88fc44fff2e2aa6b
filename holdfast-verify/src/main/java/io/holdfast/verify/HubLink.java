package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;

/*
 * A client JVM's end of one hub connection. Every method is synchronized: a worker uses its own link, but the
 * control link is shared by the command loop and by Holdfast's lease-lost callbacks. If the checker goes away the
 * link fails and the client exits: a client must never outlive its checker.
 */
final class HubLink implements AutoCloseable {
  private final Wire wire;

  private HubLink(Wire wire) {
    this.wire = wire;
  }

  /** Connects, says who it is and answers the clock probes until the hub says GO. */
  static HubLink connect(int port, String client, String process) {
    try {
      Wire wire = new Wire(new Socket(InetAddress.getLoopbackAddress(), port));
      wire.send("HELLO " + client + " " + process);
      for (String line = wire.read(); !"GO".equals(line); line = wire.read()) {
        if (!"SYNC".equals(line)) {
          throw new IOException("hub answered '" + line + "' during the handshake");
        }
        wire.send("T " + System.nanoTime());
      }
      return new HubLink(wire);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the checker's hub on port " + port, e);
    }
  }

  /** Reports an event stamped {@code stamp} (System.nanoTime when it happened). */
  synchronized void event(long stamp, Type type, Op op, String lock, String owner, long token, long validNanos,
      String note) {
    wire.send(Wire.event(stamp, type, op, lock, owner, token, validNanos, note));
    checkAlive();
  }

  /**
   * Writes to the fenced resource and waits for its answer.
   *
   * @return whether the resource accepted the write
   */
  synchronized boolean write(String lock, String owner, long token, long claimStamp, long claimValidNanos) {
    wire.send(Wire.write(System.nanoTime(), lock, owner, token, claimStamp, claimValidNanos));
    try {
      String answer = wire.read();
      if (answer == null) {
        throw new IOException("hub closed the connection");
      }
      return answer.startsWith("A ");
    } catch (IOException e) {
      throw new CheckerGone(e);
    }
  }

  /** The next command from the checker, or null when it is gone. */
  String nextCommand() {
    try {
      return wire.read();
    } catch (IOException e) {
      return null;
    }
  }

  private void checkAlive() {
    if (wire.failed()) {
      throw new CheckerGone(new IOException("hub connection failed"));
    }
  }

  @Override
  public void close() {
    wire.close();
  }

  /** The checker is gone: the client must stop. */
  static final class CheckerGone extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckerGone(Throwable cause) {
      super("lost the connection to the checker", cause);
    }
  }
}
