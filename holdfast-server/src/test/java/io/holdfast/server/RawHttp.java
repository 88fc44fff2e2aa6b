package io.holdfast.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for tests that must send what a well-behaved client library refuses to (a
 * request target with raw bytes or "%00", a lying header): one request per connection, the answer read to the end.
 */
final class RawHttp {
  /** An answer: its status (0 if the server closed without one), lower-cased header block, and body. */
  record Response(int status, String headers, String body) { }

  private RawHttp() { }

  static byte[] request(String method, String target, String token, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
        .append("host: 127.0.0.1\r\nconnection: close\r\n");
    if (token != null) {
      head.append("authorization: Bearer ").append(token).append("\r\n");
    }
    if (body != null) {
      head.append("content-type: application/json\r\ncontent-length: ").append(body.length).append("\r\n");
    }
    out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  static Response send(int port, byte[] request) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return parse(readAll(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one answer: to its Content-Length, to the last chunk, or else to the end of the connection. */
  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; !complete(out.toByteArray()) && (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (java.net.SocketException reset) {
      // The server may reset after its answer to a request it refused half-way; keep what arrived.
    }
    return out.toByteArray();
  }

  private static boolean complete(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    String headers = text.substring(0, end).toLowerCase(Locale.ROOT);
    int length = headers.indexOf("content-length:");
    if (length >= 0) {
      int eol = headers.indexOf("\r\n", length);
      String value = headers.substring(length + 15, eol < 0 ? headers.length() : eol).trim();
      return raw.length - (end + 4) >= Integer.parseInt(value);
    }
    return headers.contains("transfer-encoding: chunked") && text.endsWith("0\r\n\r\n");
  }

  private static Response parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Response(0, "", text);
    }
    int status = Integer.parseInt(text.substring(9, 12));
    String headers = text.substring(0, end).toLowerCase(Locale.ROOT);
    String body = text.substring(end + 4);
    if (headers.contains("transfer-encoding: chunked")) {
      body = dechunk(body);
    }
    return new Response(status, headers, body);
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < chunked.length()) {
      int line = chunked.indexOf("\r\n", at);
      if (line < 0) {
        break;
      }
      int size = Integer.parseInt(chunked.substring(at, line).trim().split(";")[0], 16);
      if (size == 0) {
        break;
      }
      // Sizes count bytes; the bodies here are ASCII JSON (non-ASCII arrives \\u-escaped or not at all).
      out.append(chunked, line + 2, Math.min(chunked.length(), line + 2 + size));
      at = line + 2 + size + 2;
    }
    return out.toString();
  }
}
