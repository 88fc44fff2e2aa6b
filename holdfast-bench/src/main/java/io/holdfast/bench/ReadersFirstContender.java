package io.holdfast.bench;

import java.time.Duration;
import java.util.Optional;

/**
 * A twin of a contender whose read/write locks do not prefer writers ({@code readWriteLock(name, false)}), so
 * that the rwlock workload measures Holdfast both ways in the same variant, beside Redisson's lock, which has no
 * preference. Everything but the name and tag is the original's; it closes nothing (the original is closed by
 * the run).
 */
final class ReadersFirstContender implements PrimitiveContender {
  /** What the twin's name adds to the original's. */
  static final String SUFFIX = "-nopref";

  private final PrimitiveContender original;

  ReadersFirstContender(PrimitiveContender original) {
    this.original = original;
  }

  @Override
  public String name() {
    return original.name() + SUFFIX;
  }

  /** Another two letters than the original's, so that the twins never share a name. */
  @Override
  public String tag() {
    return original.tag().charAt(0) + "n";
  }

  @Override
  public boolean fencing() {
    return original.fencing();
  }

  @Override
  public String redisKey(String lockName) {
    return original.redisKey(lockName);
  }

  @Override
  public PrimitiveLocker connect(LockerSpec spec) {
    return original.connect(spec);
  }

  @Override
  public Optional<Duration> serviceCpu() {
    return original.serviceCpu();
  }
}
