package io.holdfast.bench;

import io.holdfast.bench.PrimitiveLocker.Kind;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The referee of one read/write lock's or one semaphore's grants in a benchmark run, as {@link GrantReferee} is a
 * lock's: it counts the holders of each side and reports a writer granted while anyone else held, a reader
 * granted while a writer held, or more permit holders than the semaphore has permits. With fencing it reports a
 * writer whose token is not above every token granted before it and a reader whose token is not above the last
 * writer's: those are the orders the primitives promise (readers granted together may return in either order,
 * and so may permits, so their tokens are not compared with each other).
 *
 * <p>The holder must call {@link #releasing} before it sends its release, so that the next grant cannot be seen
 * before the count went down. Safe to share: every count is atomic.
 */
final class ShareReferee {
  private final String contender;
  private final String name;
  private final boolean fencing;
  private final int permits;
  private final Violations violations;
  private final AtomicLong readers = new AtomicLong();
  private final AtomicLong writers = new AtomicLong();
  private final AtomicLong highest = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong lastWriter = new AtomicLong(Long.MIN_VALUE);

  /** @param permits the semaphore's permits, or 0 for a read/write lock */
  ShareReferee(Contender contender, String name, int permits, Violations violations) {
    this.contender = contender.name();
    this.name = name;
    this.fencing = contender.fencing();
    this.permits = permits;
    this.violations = violations;
  }

  void granted(Kind kind, long token) {
    switch (kind) {
      case WRITE -> {
        long now = writers.incrementAndGet();
        if (now != 1 || readers.get() != 0) {
          report("writer granted while " + (now - 1) + " writer(s) and " + readers.get() + " reader(s) held it");
        }
      }
      case READ -> {
        readers.incrementAndGet();
        if (writers.get() != 0) {
          report("reader granted while a writer held it");
        }
      }
      case PERMIT -> {
        long now = readers.incrementAndGet();
        if (now > permits) {
          report(now + " permit holders at once, of " + permits + " permits");
        }
      }
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    }
    if (fencing) {
      checkToken(kind, token);
    }
  }

  void releasing(Kind kind) {
    (kind == Kind.WRITE ? writers : readers).decrementAndGet();
  }

  private void checkToken(Kind kind, long token) {
    long previous = highest.getAndAccumulate(token, Math::max);
    if (kind == Kind.WRITE) {
      if (token <= previous) {
        report("writer granted with fencing token " + token + ", not above the earlier " + previous);
      }
      lastWriter.accumulateAndGet(token, Math::max);
    } else if (kind == Kind.READ && token <= lastWriter.get()) {
      report("reader granted with fencing token " + token + ", not above the last writer's " + lastWriter.get());
    }
  }

  private void report(String what) {
    violations.report(contender + ": '" + name + "' " + what);
  }
}
