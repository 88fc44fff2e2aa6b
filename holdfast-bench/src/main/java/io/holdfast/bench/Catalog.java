package io.holdfast.bench;

import java.util.List;

/** Contenders and workloads by name. */
final class Catalog {
  /**
   * The service's JIT warm-up relative to a workload's warm-up: an in-process service runs Armeria, gRPC and
   * protobuf code on both sides, which takes thousands of calls to compile (acquire took 2.9 ms in the first
   * 1,000 calls, 0.55 ms after 5,000), where a long-running service in production is warm.
   */
  private static final int PRIME_FACTOR = 4;
  private Catalog() { }

  static Contender contender(String name, Scale scale) {
    return switch (name) {
      case "holdfast" -> new HoldfastContender();
      case "redisson" -> new RedissonContender(false);
      case "redisson-fenced" -> new RedissonContender(true);
      case "raw" -> new RawContender();
      case "holdfast-service" -> new HoldfastServiceContender(scale.warmup().multipliedBy(PRIME_FACTOR));
      default -> throw new IllegalArgumentException("unknown contender '" + name + "'");
    };
  }

  static Workload workload(String name) {
    return switch (name) {
      case "ceilings" -> new CeilingsWorkload();
      case "uncontended" -> new UncontendedWorkload();
      case "contended" -> new ContendedWorkload();
      case "renewal" -> new RenewalWorkload();
      case "memory" -> new MemoryWorkload();
      case "fleet" -> new FleetWorkload();
      default -> throw new IllegalArgumentException("unknown workload '" + name + "'");
    };
  }

  static List<Contender> contenders(List<String> names, Scale scale) {
    return names.stream().map(name -> contender(name, scale)).toList();
  }
}
