package io.holdfast.redis;

import io.holdfast.ErrorCode;
import io.holdfast.FencingToken;
import io.holdfast.HoldfastException;
import io.holdfast.LockName;
import io.holdfast.LockState;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.ReleaseOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns the replies of the Lua scripts into SPI values. The reply shapes are documented in each script's
 * header; integers arrive as {@code Long}, strings as {@code String}. A reply of any other shape means a
 * script and this class disagree (or something else wrote the key), so it fails with
 * {@link ErrorCode#INTERNAL} rather than guessing.
 *
 * <p>Safe: stateless.
 */
final class ScriptReplies {
  private static final long GRANTED = 1;

  private ScriptReplies() { }

  /** acquire.lua: {@code {1, token, holds}}, {@code {0, pttl}}, or in fair mode {@code {0, pttl, 0, ticket}}. */
  static AcquireOutcome acquire(List<Object> reply) {
    long status = number(reply, 0, "acquire.lua");
    if (status == GRANTED) {
      return new AcquireOutcome.Granted(
          new FencingToken(number(reply, 1, "acquire.lua")), holds(number(reply, 2, "acquire.lua")));
    }
    long ticket = reply.size() > 3 ? number(reply, 3, "acquire.lua") : 0;
    return new AcquireOutcome.Busy(remainingTtl(number(reply, 1, "acquire.lua")), Math.max(0, ticket));
  }

  /** release.lua: remaining holds, or -1 when not the owner. */
  static ReleaseOutcome release(Long reply) {
    if (reply == null) {
      throw malformed("release.lua", null);
    }
    return reply < 0 ? new ReleaseOutcome.NotOwner() : new ReleaseOutcome.Released(holds(reply));
  }

  /** renew.lua: one 1 or 0 per lease, in order. */
  static List<Boolean> renew(List<Object> reply, int expected) {
    if (reply == null || reply.size() != expected) {
      throw malformed("renew.lua", reply);
    }
    List<Boolean> renewed = new ArrayList<>(expected);
    for (int i = 0; i < expected; i++) {
      renewed.add(number(reply, i, "renew.lua") == 1);
    }
    return renewed;
  }

  /** inspect.lua: {@code {owner, token, holds, pttl}} or {@code {}} when free. */
  static Optional<LockState> inspect(LockName name, List<Object> reply) {
    if (reply == null || reply.isEmpty()) {
      return Optional.empty();
    }
    if (!(reply.get(0) instanceof String owner)) {
      throw malformed("inspect.lua", reply);
    }
    return Optional.of(new LockState(name, OwnerToken.of(owner),
        new FencingToken(number(reply, 1, "inspect.lua")), holds(number(reply, 2, "inspect.lua")),
        remainingTtl(number(reply, 3, "inspect.lua"))));
  }

  /** PTTL is -1 for a key without expiry and -2 for a missing one; neither leaves time to wait for. */
  private static Duration remainingTtl(long pttl) {
    return Duration.ofMillis(Math.max(0, pttl));
  }

  private static int holds(long count) {
    return (int) Math.min(Integer.MAX_VALUE, count);
  }

  private static long number(List<Object> reply, int index, String script) {
    if (reply == null || reply.size() <= index || !(reply.get(index) instanceof Long value)) {
      throw malformed(script, reply);
    }
    return value;
  }

  private static HoldfastException malformed(String script, Object reply) {
    return new HoldfastException(ErrorCode.INTERNAL, "Unexpected reply from " + script + ": " + reply);
  }
}
