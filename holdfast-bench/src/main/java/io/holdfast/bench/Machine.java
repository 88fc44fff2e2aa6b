package io.holdfast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the numbers were measured.
 *
 * @param cores processors the JVM sees
 * @param cpu the CPU model from /proc/cpuinfo, or unknown
 * @param os operating system name, version and architecture
 * @param java the Java runtime version and VM
 * @param redisVersion {@code redis_version} from INFO server
 * @param redis the server: the binary the harness started, or the URI it was given
 * @param started when the run started
 */
record Machine(int cores, String cpu, String os, String java, String redisVersion, String redis, Instant started) {

  static Machine describe(String redisVersion, String redis) {
    return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")",
        redisVersion, redis, Instant.now());
  }

  Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("cores", cores);
    map.put("cpu", cpu);
    map.put("os", os);
    map.put("java", java);
    map.put("redisVersion", redisVersion);
    map.put("redis", redis);
    map.put("started", started.toString());
    return map;
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
