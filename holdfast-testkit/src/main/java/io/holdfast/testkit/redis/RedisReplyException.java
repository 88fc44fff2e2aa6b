package io.holdfast.testkit.redis;

import java.util.Objects;

/**
 * An error reply from Redis (a RESP {@code -} line) received by {@link RedisServer#command}.
 *
 * <p>Tests often care which error came back ({@code LOADING} while a restarted server replays its
 * append-only file, {@code BUSY} while a script runs, {@code OOM} under {@code maxmemory}), so the
 * leading upper-case word is exposed as {@link #prefix()}.
 */
public final class RedisReplyException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception from the text of an error reply, without the leading {@code -}.
   *
   * @param reply the error text, such as {@code "ERR unknown command 'FOO'"}
   */
  public RedisReplyException(String reply) {
    super(Objects.requireNonNull(reply, "reply"));
  }

  /**
   * Returns the error's first word, which Redis uses as its error code.
   *
   * @return the prefix, such as {@code ERR}, {@code WRONGTYPE} or {@code LOADING}
   */
  public String prefix() {
    // Derived from the message rather than stored, so the exception serialises as a plain message.
    String reply = getMessage();
    int space = reply.indexOf(' ');
    return space < 0 ? reply : reply.substring(0, space);
  }
}
