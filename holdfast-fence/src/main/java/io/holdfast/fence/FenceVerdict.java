package io.holdfast.fence;

import io.holdfast.FencingToken;
import io.holdfast.LeaseLostException;
import java.util.Objects;

/**
 * What a fence guard decided about one write: applied, or refused because a newer holder's token already reached
 * the resource. A refusal is not an error of the guard; it is fencing doing its job, and it means the writer's
 * lease is gone (it expired during a pause, or the lock was granted to someone else since): the writer must stop
 * the work that lease guarded.
 *
 * @param applied true when the write was applied; false when it was refused as stale and nothing changed
 * @param highest the highest token the resource has accepted: the writer's own when applied, the newer holder's
 *     (strictly larger than the writer's) when refused
 * @param reply what the write returned when applied (Redis: {@code "OK"}, the number of new hash fields, the
 *     stream entry id; SQL: the number of rows written, {@code "1"}); empty when refused
 */
public record FenceVerdict(boolean applied, FencingToken highest, String reply) {
  /**
   * Validates the verdict.
   *
   * @throws NullPointerException when {@code highest} or {@code reply} is null
   */
  public FenceVerdict {
    Objects.requireNonNull(highest, "highest");
    Objects.requireNonNull(reply, "reply");
  }

  static FenceVerdict applied(FencingToken token, String reply) {
    return new FenceVerdict(true, token, reply);
  }

  static FenceVerdict refused(FencingToken highest) {
    return new FenceVerdict(false, highest, "");
  }

  /**
   * Returns this verdict if the write was applied, and otherwise throws: for the caller whose only answer to a
   * stale write is to stop.
   *
   * @param resource names the resource in the message (a key, a table row)
   * @param token the token the refused write carried
   * @return this verdict, applied
   * @throws LeaseLostException when the write was refused as stale: the lease that token belongs to is gone
   */
  public FenceVerdict requireApplied(String resource, FencingToken token) {
    if (!applied) {
      throw new LeaseLostException("stale write to " + resource + " refused: fencing token " + token
          + " is below " + highest + ", the highest the resource has accepted, so a newer holder has written");
    }
    return this;
  }
}
