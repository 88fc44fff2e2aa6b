package io.holdfast.testkit.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The smallest RESP2 client that serves the test kit: one command per connection, no pipelining,
 * no pooling. A real client (Lettuce) would drag its Netty stack into every test classpath and, worse,
 * reconnect and retry on its own, which hides exactly the faults that fault tests provoke.
 *
 * <p>Reply mapping: simple and bulk strings become {@link String} (UTF-8; a null bulk string becomes
 * {@code null}), integers become {@link Long}, arrays become {@link List} (a null array becomes
 * {@code null}). A top-level error reply is thrown as {@link RedisReplyException}; an error nested in
 * an array (an {@code EXEC} result) is returned as a {@link RedisReplyException} element instead, so
 * the other elements are not lost.
 */
final class Resp {

  private Resp() {}

  /**
   * Sends one command and reads its reply. The timeout bounds the connect and each read, so a paused
   * server surfaces as an {@link UncheckedIOException} caused by a {@code SocketTimeoutException}.
   */
  static Object call(String host, int port, Duration timeout, String... args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("A Redis command needs at least its name");
    }
    int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      socket.setTcpNoDelay(true);
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      write(out, args);
      out.flush();
      Object reply = read(new BufferedInputStream(socket.getInputStream()));
      if (reply instanceof RedisReplyException) {
        throw (RedisReplyException) reply;
      }
      return reply;
    } catch (IOException e) {
      throw new UncheckedIOException(
          args[0] + " to " + host + ":" + port + " failed: " + e.getMessage(), e);
    }
  }

  /** Encodes a command as a RESP array of bulk strings, the form Redis accepts for any argument bytes. */
  static void write(OutputStream out, String... args) throws IOException {
    out.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      out.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.write('\r');
      out.write('\n');
    }
  }

  /** Reads one complete reply; see the class comment for the mapping. */
  static Object read(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("Connection closed before a reply");
    }
    String line = readLine(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        return new RedisReplyException(line);
      case ':':
        return Long.parseLong(line);
      case '$':
        return readBulk(in, Integer.parseInt(line));
      case '*':
        return readArray(in, Integer.parseInt(line));
      default:
        throw new IOException("Unexpected RESP type '" + (char) type + "' followed by: " + line);
    }
  }

  /** Parses an INFO reply's {@code key:value} lines, skipping {@code # Section} headers. */
  static Map<String, String> parseInfo(Object reply) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : String.valueOf(reply).split("\\R")) {
      int colon = line.indexOf(':');
      if (!line.startsWith("#") && colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return Collections.unmodifiableMap(fields);
  }

  private static String readBulk(InputStream in, int length) throws IOException {
    if (length < 0) {
      return null;
    }
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
      throw new EOFException("Truncated bulk string of " + length + " bytes");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static List<Object> readArray(InputStream in, int count) throws IOException {
    if (count < 0) {
      return null;
    }
    List<Object> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      items.add(read(in));
    }
    return items;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
      previous = b;
    }
    throw new EOFException("Connection closed inside a reply line");
  }
}
