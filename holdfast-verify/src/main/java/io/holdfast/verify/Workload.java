package io.holdfast.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each client JVM does: its workers loop acquire, a few fenced writes with random sleeps (sometimes renewing
 * by hand), release. Most holds are short, so a run makes many acquisitions; a few are long (beyond the TTL) so
 * that renewal, expiry during a hold and stale writes all happen.
 *
 * @param lock which lock implementation the clients use ({@link #HOLDFAST} or a negative-control flaw)
 * @param ttl the lease TTL
 * @param locks how many lock names the workers contend for
 * @param threads workers per client JVM
 * @param maxWait the longest wait of a tryAcquire (each picks a random wait up to it)
 * @param step the longest sleep between two steps of a short hold
 * @param longHolds the fraction of holds that run past the TTL (steps of up to a third of the TTL)
 * @param renewals the chance that a step renews the lease by hand first
 * @param autoRenewals the fraction of acquires with automatic renewal
 * @param lateWrites the fraction of writes made after more work following the validity check (where a pause
 *     makes a write stale)
 */
record Workload(String lock, Duration ttl, int locks, int threads, Duration maxWait, Duration step,
    double longHolds, double renewals, double autoRenewals, double lateWrites) {

  /** The real library. */
  static final String HOLDFAST = "holdfast";
  /** The real library's leader election: campaign for the lock, fenced writes under the term, resign. */
  static final String ELECTION = "election";
  /** Negative control of the election: terms numbered by each client instead of taken from the grant. */
  static final String ELECTION_LOCAL_TERMS = "election-local-terms";
  /** The real library's read/write lock: a quarter of the owners write (HolderKinds), the others read. */
  static final String RWLOCK = "rwlock";
  /** Negative control of the read/write lock: the writers take the read side. */
  static final String RWLOCK_WRITERS_READ = "rwlock-writers-read";
  /** The real library's semaphore, with HolderKinds.PERMITS permits. */
  static final String SEMAPHORE = "semaphore";
  /** Negative control of the semaphore: the handle admits far more holders than the checker's number. */
  static final String SEMAPHORE_IGNORES_PERMITS = "semaphore-ignores-permits";
  /** The real library's fair lock: every acquire in fair mode; C7 checks that grants follow the line. */
  static final String FAIR = "fair";
  /** Negative control of the fair lock: after each fair busy answer the waiter tries the plain lock (barging). */
  static final String FAIR_BARGING = "fair-barging";
  private static final List<String> PRIMITIVE_LOCKS = List.of(RWLOCK, RWLOCK_WRITERS_READ, SEMAPHORE,
      SEMAPHORE_IGNORES_PERMITS, FAIR, FAIR_BARGING);

  Workload {
    if (locks < 1 || threads < 1) {
      throw new IllegalArgumentException("locks and threads must be positive, were " + locks + ", " + threads);
    }
    if (!lock.equals(HOLDFAST) && !lock.startsWith("tiny") && !lock.equals(ELECTION)
        && !lock.equals(ELECTION_LOCAL_TERMS) && !PRIMITIVE_LOCKS.contains(lock)) {
      throw new IllegalArgumentException("unknown lock implementation '" + lock + "'");
    }
  }

  /** The defaults for a given TTL. */
  static Workload standard(Duration ttl, int locks, int threads) {
    return new Workload(HOLDFAST, ttl, locks, threads, ttl.multipliedBy(2), Duration.ofMillis(4), 0.03, 0.1, 0.5,
        0.5);
  }

  Workload withLock(String newLock) {
    return new Workload(newLock, ttl, locks, threads, maxWait, step, longHolds, renewals, autoRenewals, lateWrites);
  }

  Workload withLongHolds(double fraction) {
    return new Workload(lock, ttl, locks, threads, maxWait, step, fraction, renewals, autoRenewals, lateWrites);
  }

  Workload withRenewals(double chance) {
    return new Workload(lock, ttl, locks, threads, maxWait, step, longHolds, chance, autoRenewals, lateWrites);
  }

  Workload withAutoRenewals(double fraction) {
    return new Workload(lock, ttl, locks, threads, maxWait, step, longHolds, renewals, fraction, lateWrites);
  }

  Workload withLateWrites(double fraction) {
    return new Workload(lock, ttl, locks, threads, maxWait, step, longHolds, renewals, autoRenewals, fraction);
  }

  /**
   * The same workload as an election ({@link #ELECTION}, or its negative control when this is one): leaders do not
   * renew by hand (a leadership is renewed automatically or lasts one lease).
   */
  Workload asElection() {
    return withLock(lock.equals(ELECTION_LOCAL_TERMS) ? lock : ELECTION).withRenewals(0);
  }

  /** Whether the clients campaign in elections rather than acquire locks. */
  boolean isElection() {
    return lock.startsWith(ELECTION);
  }

  /** The same workload on the read/write lock, or on its negative control when this is one. */
  Workload asReadWrite() {
    return withLock(lock.equals(RWLOCK_WRITERS_READ) ? lock : RWLOCK);
  }

  /** The same workload on the semaphore, or on its negative control when this is one. */
  Workload asSemaphore() {
    return withLock(lock.equals(SEMAPHORE_IGNORES_PERMITS) ? lock : SEMAPHORE);
  }

  /** Whether the clients hold a read/write lock's sides (C3 then checks that no writer overlaps another holder). */
  boolean isReadWrite() {
    return lock.startsWith(RWLOCK);
  }

  /** Whether the clients hold a semaphore's permits (C3 then checks at most HolderKinds.PERMITS at once). */
  boolean isSemaphore() {
    return lock.startsWith(SEMAPHORE);
  }

  /** Whether this is a negative control of the read/write lock or the semaphore. */
  boolean isHolderControl() {
    return lock.equals(RWLOCK_WRITERS_READ) || lock.equals(SEMAPHORE_IGNORES_PERMITS);
  }

  /** The same workload on the fair lock, or on its negative control when this is one. */
  Workload asFair() {
    return withLock(lock.equals(FAIR_BARGING) ? lock : FAIR);
  }

  /** Whether the clients use the fair lock (C7 then checks the order of its grants against its line). */
  boolean isFair() {
    return lock.startsWith(FAIR);
  }

  /**
   * This workload (the lock or one of its negative controls) turned into the workload of {@code --primitive}.
   *
   * @throws IllegalArgumentException when the primitive is unknown or the lock is a control of another primitive
   */
  Workload forPrimitive(String primitive) {
    switch (primitive) {
      case "lock" -> {
        require(!isElection() && !isReadWrite() && !isSemaphore() && !isFair(), "--lock " + lock
            + " needs --primitive " + (isElection() ? "election" : isReadWrite() ? "rwlock"
            : isSemaphore() ? "semaphore" : "fair"));
        return this;
      }
      case "rwlock" -> {
        require(lock.equals(HOLDFAST) || isReadWrite(), "--lock " + lock + " is not a negative control of the "
            + "read/write lock");
        return asReadWrite();
      }
      case "semaphore" -> {
        require(lock.equals(HOLDFAST) || isSemaphore(), "--lock " + lock + " is not a negative control of the "
            + "semaphore");
        return asSemaphore();
      }
      case "fair" -> {
        require(lock.equals(HOLDFAST) || isFair(), "--lock " + lock + " is not a negative control of the fair lock");
        return asFair();
      }
      case "election" -> {
        require(lock.equals(HOLDFAST) || isElection(), "--lock " + lock + " is a negative control of another "
            + "primitive, not of the election");
        return asElection();
      }
      default -> throw new IllegalArgumentException("--primitive must be lock, election, rwlock, semaphore or fair, "
          + "was '" + primitive + "'");
    }
  }

  private static void require(boolean valid, String problem) {
    if (!valid) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Whether the clients use a TinyLock negative control (which talks to Redis itself). */
  boolean isTiny() {
    return lock.startsWith("tiny");
  }

  /** The flaw of a negative-control lock ({@code tiny-release-by-del} and so on). */
  TinyLock.Flaw flaw() {
    String suffix = lock.equals("tiny") ? "none" : lock.substring("tiny-".length());
    return TinyLock.Flaw.valueOf(suffix.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  List<String> toArgs() {
    List<String> args = new ArrayList<>();
    args.add("lock=" + lock);
    args.add("ttl=" + ttl.toMillis());
    args.add("locks=" + locks);
    args.add("threads=" + threads);
    args.add("maxWait=" + maxWait.toMillis());
    args.add("step=" + step.toMillis());
    args.add("longHolds=" + longHolds);
    args.add("renewals=" + renewals);
    args.add("autoRenewals=" + autoRenewals);
    args.add("lateWrites=" + lateWrites);
    return args;
  }

  static Workload fromArgs(Map<String, String> args) {
    return new Workload(args.get("lock"), millis(args, "ttl"), Integer.parseInt(args.get("locks")),
        Integer.parseInt(args.get("threads")), millis(args, "maxWait"), millis(args, "step"),
        Double.parseDouble(args.get("longHolds")), Double.parseDouble(args.get("renewals")),
        Double.parseDouble(args.get("autoRenewals")), Double.parseDouble(args.get("lateWrites")));
  }

  private static Duration millis(Map<String, String> args, String key) {
    return Duration.ofMillis(Long.parseLong(args.get(key)));
  }

  String describe() {
    return String.format(Locale.ROOT, "%s, ttl %d ms, %d locks, %d workers per client, waits up to %d ms, "
        + "%.1f%% long holds, %.0f%% manual renewals per step, %.0f%% auto-renewed, %.0f%% late writes", lock,
        ttl.toMillis(), locks, threads, maxWait.toMillis(), longHolds * 100, renewals * 100, autoRenewals * 100,
        lateWrites * 100);
  }
}
