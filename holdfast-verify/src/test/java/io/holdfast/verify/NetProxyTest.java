package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class NetProxyTest {
  private ServerSocket echo;
  private NetProxy proxy;

  @BeforeEach
  void startEchoServerBehindAProxy() throws IOException {
    echo = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread server = new Thread(this::echoLoop, "echo");
    server.setDaemon(true);
    server.start();
    proxy = new NetProxy("test", new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()));
  }

  private void echoLoop() {
    while (!echo.isClosed()) {
      try {
        Socket socket = echo.accept();
        Thread handler = new Thread(() -> {
          try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            in.transferTo(out);
          } catch (IOException e) {
            // the test closed it
          }
        });
        handler.setDaemon(true);
        handler.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setSoTimeout(5_000);
    return socket;
  }

  /*
   * Whether the connection is over: the byte sent is not echoed and the read ends, by end of stream or by reset
   * (which of the two the closing proxy's TCP stack sends is its business, not the cut's); a timeout is false.
   */
  private static boolean endedWithoutEcho(Socket socket) {
    try {
      socket.getOutputStream().write('x');
      return socket.getInputStream().read() == -1;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static long roundTripNanos(Socket socket) throws IOException {
    long start = System.nanoTime();
    socket.getOutputStream().write('x');
    assertThat(socket.getInputStream().read()).isEqualTo('x');
    return System.nanoTime() - start;
  }

  @Test
  void forwardsBothWays_andDelayAddsLatencyEachWay() throws IOException {
    try (Socket socket = connect()) {
      roundTripNanos(socket);
      proxy.delay(Duration.ofMillis(100));
      assertThat(roundTripNanos(socket)).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
      proxy.delay(Duration.ZERO);
      assertThat(roundTripNanos(socket)).isLessThan(Duration.ofMillis(200).toNanos());
    }
  }

  @Test
  void cut_resetsConnections_andRefusesNewOnes_untilHealed() throws IOException {
    try (Socket socket = connect()) {
      roundTripNanos(socket);
      proxy.cut(true);
      assertThat(endedWithoutEcho(socket)).as("the cut connection carries nothing and ends").isTrue();
    }
    try (Socket refused = connect()) {
      assertThat(refused.getInputStream().read()).isEqualTo(-1);
    }
    proxy.cut(false);
    try (Socket healed = connect()) {
      roundTripNanos(healed);
    }
  }
}
