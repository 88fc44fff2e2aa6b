package io.holdfast.bench;

import java.nio.file.Path;
import java.util.List;

/** Contenders and workloads by name. */
final class Catalog {
  /**
   * The service's JIT warm-up relative to a workload's warm-up: a freshly started service and its clients run
   * Armeria, gRPC and protobuf code, which takes thousands of calls to compile (acquire took 2.9 ms in the first
   * 1,000 calls, 0.55 ms after 5,000), where a long-running service in production is warm.
   */
  private static final int PRIME_FACTOR = 4;
  /** The lock service's output, in the run's output directory. */
  static final String SERVICE_LOG = "holdfast-service.log";

  /** The contenders of other lock systems, whose servers must be installed (Debian etcd-server, zookeeper). */
  static final List<String> OTHER_SYSTEMS = List.of("etcd", "etcd-tmpfs", "zookeeper", "zookeeper-nosync");

  private Catalog() { }

  /** A contender by name; {@code outDir} is where one that starts a process (the service) writes its log. */
  static Contender contender(String name, Scale scale, Path outDir) {
    return switch (name) {
      case "holdfast" -> new HoldfastContender();
      case HoldfastContender.FAIR_NAME -> new HoldfastContender(true);
      case "redisson" -> new RedissonContender(false);
      case "redisson-fenced" -> new RedissonContender(true);
      case "raw" -> new RawContender();
      case "holdfast-service" -> new HoldfastServiceContender(scale.warmup().multipliedBy(PRIME_FACTOR),
          outDir.resolve(SERVICE_LOG));
      case "etcd" -> new EtcdContender(EtcdContender.binary(), false, outDir);
      case "etcd-tmpfs" -> new EtcdContender(EtcdContender.binary(), true, outDir);
      case "zookeeper" -> new ZooKeeperContender(ZooKeeperContender.jar(), true, outDir);
      case "zookeeper-nosync" -> new ZooKeeperContender(ZooKeeperContender.jar(), false, outDir);
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
      case "saturated" -> new SaturatedWorkload();
      case "rwlock" -> new RwLockWorkload();
      case "semaphore" -> new SemaphoreWorkload();
      default -> throw new IllegalArgumentException("unknown workload '" + name + "'");
    };
  }

  static List<Contender> contenders(List<String> names, Scale scale, Path outDir) {
    return names.stream().map(name -> contender(name, scale, outDir)).toList();
  }
}
