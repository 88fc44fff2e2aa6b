package io.holdfast.bench;

import java.time.Duration;
import java.util.List;

/** How long and how large a benchmark run is. */
public enum Profile {
  /** Every workload at the sizes issue 5 asks for, and a fleet of 200 besides 100; about 30 minutes on 2 cores. */
  FULL(new Scale(Duration.ofSeconds(3), Duration.ofSeconds(4), 3, List.of(1, 16, 64), 64, 4, List.of(1, 8),
      List.of(1_000, 10_000), Duration.ofSeconds(30), Duration.ofSeconds(60), 100_000, 1_000_000,
      Duration.ofMillis(2500), List.of(100, 200), 20, Duration.ofSeconds(20), Duration.ofSeconds(2))),
  /**
   * Every workload briefly, same worker and lease counts, fewer locks for memory, one slice per contender:
   * about a minute on a 2-core machine, for a smoke check. The renewal TTL stays at 2.4 s: on a loaded 2-core
   * machine a shorter one lets the client threads fall behind the TTL and every contender loses leases.
   */
  QUICK(new Scale(Duration.ofMillis(150), Duration.ofMillis(300), 1, List.of(1, 16, 64), 64, 4, List.of(1, 8),
      List.of(1_000, 10_000), Duration.ofMillis(2400), Duration.ofSeconds(1), 5_000, 5_000,
      Duration.ofMillis(200), List.of(100, 200), 20, Duration.ofMillis(800), Duration.ofMillis(300))),
  /** Seconds in all, tiny sizes: the test that keeps the harness from rotting. */
  SMOKE(new Scale(Duration.ofMillis(50), Duration.ofMillis(100), 1, List.of(1, 4), 8, 2, List.of(1),
      List.of(50), Duration.ofMillis(600), Duration.ofMillis(700), 500, 1_000, Duration.ofMillis(100),
      List.of(2, 4), 20, Duration.ofMillis(300), Duration.ofMillis(100)));

  private final Scale scale;

  Profile(Scale scale) {
    this.scale = scale;
  }

  Scale scale() {
    return scale;
  }
}
