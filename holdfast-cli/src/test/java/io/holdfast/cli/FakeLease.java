package io.holdfast.cli;

import io.holdfast.FencingToken;
import io.holdfast.Lease;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/* A lease whose validity the test sets, to feed FencedResource situations a correct lock never produces. */
final class FakeLease implements Lease {
  private final LockName name;
  private final OwnerToken owner = OwnerToken.random();
  private final FencingToken token;
  private volatile boolean valid = true;

  FakeLease(String name, long token) {
    this.name = LockName.of(name);
    this.token = new FencingToken(token);
  }

  FakeLease valid(boolean value) {
    this.valid = value;
    return this;
  }

  @Override
  public LockName name() {
    return name;
  }

  @Override
  public OwnerToken owner() {
    return owner;
  }

  @Override
  public FencingToken fencingToken() {
    return token;
  }

  @Override
  public int holdCount() {
    return 1;
  }

  @Override
  public Instant acquiredAt() {
    return Instant.EPOCH;
  }

  @Override
  public Duration leaseTtl() {
    return Duration.ofSeconds(1);
  }

  @Override
  public boolean isValid() {
    return valid;
  }

  @Override
  public Duration remainingValidity() {
    return valid ? Duration.ofSeconds(1) : Duration.ZERO;
  }

  @Override
  public void release() {
    valid = false;
  }

  @Override
  public CompletableFuture<Void> releaseAsync() {
    release();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void renew() { }

  @Override
  public CompletableFuture<Void> renewAsync() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {
    release();
  }
}
