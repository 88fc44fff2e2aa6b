package io.holdfast.spi;

import io.holdfast.FencingToken;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import java.time.Duration;
import java.util.Objects;

/**
 * One lease in a batched renewal: renew {@code name} to {@code ttl} if it is still held by {@code owner} under
 * {@code fencingToken}.
 *
 * @param name the lock
 * @param owner the holder
 * @param fencingToken the grant being renewed; a newer grant to the same owner is not renewed by mistake
 * @param ttl the new TTL, timed by the backend from when it runs the renewal
 */
public record RenewRequest(LockName name, OwnerToken owner, FencingToken fencingToken, Duration ttl) {
  /** Validates the request. */
  public RenewRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(fencingToken, "fencingToken");
    Objects.requireNonNull(ttl, "ttl");
  }
}
