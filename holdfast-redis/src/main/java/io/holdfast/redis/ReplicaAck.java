package io.holdfast.redis;

import io.holdfast.InvalidArgumentException;
import java.time.Duration;
import java.util.Objects;

/**
 * How many replicas must confirm a write before it counts: {@code WAIT replicas timeout} is pipelined right
 * behind each acquire and renewal on the same connection, and a grant the replicas did not confirm in time is
 * released again and reported as a transient failure. Zero replicas ({@link #NONE}) turns it off.
 *
 * <p>Why: Redis replicates asynchronously, so a grant acknowledged by a master that dies before its replicas
 * received it is lost on failover, and a second client can then be granted the same lock. Waiting for
 * {@code replicas} acknowledgements narrows that window to the failure of those replicas too; it does not make
 * replication synchronous (Redis documents that WAIT does not make Redis a strongly consistent store).
 *
 * @param replicas replicas that must acknowledge, 0 for none
 * @param timeout how long WAIT blocks for them
 */
record ReplicaAck(int replicas, Duration timeout) {
  /** No waiting: the master's acknowledgement is enough. */
  static final ReplicaAck NONE = new ReplicaAck(0, Duration.ZERO);

  ReplicaAck {
    Objects.requireNonNull(timeout, "timeout");
    if (replicas < 0 || replicas > 100) {
      throw new InvalidArgumentException("waitReplicas must be between 1 and 100, was " + replicas);
    }
    if (replicas > 0 && (timeout.isNegative() || timeout.isZero() || timeout.toMillis() < 1)) {
      // WAIT with 0 blocks forever; a grant must never wait unbounded.
      throw new InvalidArgumentException("waitTimeout must be at least 1 ms, was " + timeout);
    }
  }

  boolean enabled() {
    return replicas > 0;
  }
}
