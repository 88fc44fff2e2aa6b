package io.holdfast.bench;

import java.util.List;

/** Contenders and workloads by name. */
final class Catalog {
  private Catalog() { }

  static Contender contender(String name) {
    return switch (name) {
      case "holdfast" -> new HoldfastContender();
      case "redisson" -> new RedissonContender(false);
      case "redisson-fenced" -> new RedissonContender(true);
      case "raw" -> new RawContender();
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

  static List<Contender> contenders(List<String> names) {
    return names.stream().map(Catalog::contender).toList();
  }
}
