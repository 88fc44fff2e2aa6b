package io.holdfast.server;

import io.holdfast.ErrorCode;
import io.holdfast.api.v1.Reason;
import io.holdfast.server.StoreViews.LockView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;

/*
 * Decodes script replies (arrays of integers and bulk strings, as documented in each script's header). A reply
 * of an unexpected shape means the scripts and this code disagree, which is a bug: it fails as INTERNAL rather
 * than being guessed at. Stateless.
 */
final class Replies {
  private Replies() { }

  interface RecordReader<T> {
    T read(List<Object> reply, int offset);
  }

  static long num(List<Object> reply, int index) {
    Object value = at(reply, index);
    if (value instanceof Long number) {
      return number;
    }
    if (value instanceof String text) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw malformed(reply, index);
      }
    }
    throw malformed(reply, index);
  }

  /** session_view.lua's reply {client name, ttl, remaining, locks, host, offset} as a view. */
  static StoreViews.SessionView sessionView(String sid, List<Object> reply) {
    return new StoreViews.SessionView(sid, str(reply, 0), Duration.ofMillis(num(reply, 1)),
        Duration.ofMillis(num(reply, 2)), (int) num(reply, 3), StoreViews.ClientFacts.of(str(reply, 4),
            str(reply, 5)));
  }

  /** A clock offset as a script argument: whole microseconds, or "" for none. */
  static String micros(Optional<Duration> offset) {
    return offset.map(d -> String.valueOf(d.toNanos() / 1000)).orElse("");
  }

  static String str(List<Object> reply, int index) {
    Object value = at(reply, index);
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    if (value instanceof Long number) {
      return Long.toString(number);
    }
    throw malformed(reply, index);
  }

  /** Turns a -1 / -2 / -3 status in the first element into the session failure it stands for. */
  static void sessionStatus(List<Object> reply, SessionRef session) {
    long status = num(reply, 0);
    if (status == -3) {
      throw ServiceException.sessionForbidden(session.id());
    }
    if (status == -1) {
      throw ServiceException.sessionUnknown(session.id());
    }
    if (status == -2) {
      throw ServiceException.sessionExpired(session.id());
    }
  }

  /** Reads a flat array of fixed-width records. */
  static <T> List<T> records(List<Object> reply, int width, RecordReader<T> reader) {
    if (reply.size() % width != 0) {
      throw malformed(reply, reply.size());
    }
    List<T> out = new ArrayList<>(reply.size() / width);
    for (int i = 0; i < reply.size(); i += width) {
      out.add(reader.read(reply, i));
    }
    return out;
  }

  /**
   * Reads the library's inspect.lua reply {owner, token, holds, remaining, state, session, acquired-at, client}
   * starting at {@code offset}.
   */
  static LockView lockView(String name, List<Object> reply, int offset) {
    return new LockView(name, num(reply, offset + 4) == 2, str(reply, offset), num(reply, offset + 1),
        (int) num(reply, offset + 2), Duration.ofMillis(Math.max(0, num(reply, offset + 3))),
        str(reply, offset + 5), num(reply, offset + 6), str(reply, offset + 7));
  }

  private static Object at(List<Object> reply, int index) {
    if (reply == null || index >= reply.size()) {
      throw malformed(reply, index);
    }
    return reply.get(index);
  }

  private static ServiceException malformed(List<Object> reply, int index) {
    return new ServiceException(ErrorCode.INTERNAL, Reason.INTERNAL_ERROR,
        "unexpected script reply " + reply + " at element " + index + "; the scripts and the service disagree");
  }
}
