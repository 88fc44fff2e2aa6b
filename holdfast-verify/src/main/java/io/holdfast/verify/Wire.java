package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/*
 * The line protocol between a client JVM and the checker's hub, over loopback TCP. One connection per worker
 * (its events and its writes to the fenced resource) plus one control connection per client JVM (commands from
 * the checker, lease-lost notifications from the client). Text lines with space-separated fields; an empty field
 * is "-"; a note, the last field, may contain spaces.
 *
 *   client -> hub   HELLO <client> <process>
 *                   T <nanoTime>                                       answer to SYNC
 *                   E <stamp> <type> <op> <lock> <owner> <token> <validNanos|-1> <note>
 *                   W <stamp> <lock> <owner> <token> <claimStamp> <claimValidNanos|-1>
 *   hub -> client   SYNC | GO | A <highest> | R <highest> | CLOCK <offsetMillis> | STOP
 *
 * Stamps are the client's System.nanoTime; the hub maps them with a TimeMap. Validity is sent as "valid for N more
 * nanoseconds as of the stamp", so no wall clock is involved anywhere.
 */
final class Wire implements AutoCloseable {
  static final String EMPTY = "-";
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final Socket socket;
  private final BufferedReader in;
  private final PrintWriter out;

  Wire(Socket socket) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    this.out = new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), false);
  }

  /** The next line, or null at end of stream. */
  String read() throws IOException {
    return in.readLine();
  }

  /** Sends one line at once. */
  void send(String line) {
    out.print(line);
    out.print('\n');
    out.flush();
  }

  boolean failed() {
    return out.checkError();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a socket that already failed tells us nothing new.
    }
  }

  static String field(String value) {
    return value == null || value.isEmpty() ? EMPTY : value;
  }

  static String unfield(String value) {
    return EMPTY.equals(value) ? "" : value;
  }

  /** A note on one line, its whitespace runs as single spaces; most notes have none, and skip the regex. */
  static String note(String value) {
    if (value == null || value.isBlank()) {
      return EMPTY;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean run = c == ' ' && i + 1 < value.length() && Character.isWhitespace(value.charAt(i + 1));
      if (run || (c != ' ' && Character.isWhitespace(c))) {
        return WHITESPACE.matcher(value).replaceAll(" ");
      }
    }
    return value;
  }

  static String event(long stamp, Type type, Op op, String lock, String owner, long token, long validNanos,
      String note) {
    return "E " + stamp + ' ' + type + ' ' + op + ' ' + field(lock) + ' ' + field(owner) + ' ' + token + ' '
        + validNanos + ' ' + note(note);
  }

  static String write(long stamp, String lock, String owner, long token, long claimStamp, long claimValid) {
    return "W " + stamp + ' ' + field(lock) + ' ' + field(owner) + ' ' + token + ' ' + claimStamp + ' '
        + claimValid;
  }
}
