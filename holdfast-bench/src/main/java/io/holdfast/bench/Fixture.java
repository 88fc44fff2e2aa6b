package io.holdfast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The client instances of one contender for one workload variant, and the referee of every lock they take.
 * Instances are opened and closed a few at a time in parallel: a fleet has a hundred, and Redisson's take
 * long enough to open that doing them one by one would dominate the run.
 */
final class Fixture implements AutoCloseable {
  private static final int PARALLEL = 4;

  final Contender contender;
  final List<Locker> instances;
  private final Violations violations;
  private final Map<String, GrantReferee> referees = new ConcurrentHashMap<>();

  private Fixture(Contender contender, List<Locker> instances, Violations violations) {
    this.contender = contender;
    this.instances = instances;
    this.violations = violations;
  }

  static Fixture open(BenchContext context, Contender contender, String workload, int count, Duration ttl,
      boolean lean) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, count));
    List<Future<Locker>> opening = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      LockerSpec spec = context.spec(contender.name() + "-" + workload + "-" + i, ttl, lean);
      opening.add(pool.submit(() -> contender.connect(spec)));
    }
    pool.shutdown();
    List<Locker> opened = new ArrayList<>();
    RuntimeException failure = null;
    for (Future<Locker> future : opening) {
      try {
        opened.add(future.get());
      } catch (ExecutionException e) {
        failure = failure != null ? failure : new IllegalStateException(
            "cannot connect " + contender.name() + " to " + context.redisUri() + ": " + e.getCause(), e.getCause());
      }
    }
    Fixture fixture = new Fixture(contender, opened, context.violations());
    if (failure != null) {
      fixture.close();
      throw failure;
    }
    return fixture;
  }

  /** The instance a worker uses: workers are spread round-robin over the instances. */
  Locker instanceFor(int worker) {
    return instances.get(worker % instances.size());
  }

  GrantReferee referee(String lock) {
    return referees.computeIfAbsent(lock, name -> new GrantReferee(contender, name, violations));
  }

  @Override
  public void close() {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL, instances.size())));
    instances.forEach(locker -> pool.execute(locker::close));
    pool.shutdown();
    try {
      pool.awaitTermination(2, java.util.concurrent.TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
