package io.holdfast.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The harness's own view of the server, on a connection of its own: INFO sections, key counts. Its INFO calls
 * are excluded from command counts and their bytes from traffic, so measuring does not count as load.
 */
final class RedisProbe implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisCommands<String, String> sync;

  RedisProbe(String redisUri) {
    this.client = RedisClient.create(redisUri);
    this.connection = client.connect(StringCodec.UTF8);
    this.sync = connection.sync();
  }

  /**
   * The server's counters, this JVM's CPU time and the measured contender's service CPU time, at one instant.
   * {@code serviceCpuNanos} is {@link #NO_SERVICE} when there is no service process to read.
   */
  record Snapshot(Map<String, Long> calls, long netInput, long netOutput, long serverCpuMicros,
      long clientCpuNanos, long serviceCpuNanos, int replyBytes, long nanos) { }

  /** The service CPU time of a snapshot taken without a service process. */
  static final long NO_SERVICE = -1;

  /** Command calls (all of INFO commandstats), network and CPU totals, read in one INFO call. */
  Snapshot snapshot() {
    return snapshot(NO_SERVICE);
  }

  /** As {@link #snapshot()}, with the CPU time of the service the measured contender runs, if any. */
  Snapshot snapshot(Contender measured) {
    return snapshot(measured.serviceCpu().map(Duration::toNanos).orElse(NO_SERVICE));
  }

  private Snapshot snapshot(long serviceCpuNanos) {
    // One INFO with three sections (Redis 7), so all counters are read at the same instant.
    String reply = sync.dispatch(CommandType.INFO, new StatusOutput<>(StringCodec.UTF8),
        new CommandArgs<>(StringCodec.UTF8).add("stats").add("commandstats").add("cpu"));
    Map<String, String> fields = parse(reply);
    Map<String, Long> calls = new HashMap<>();
    fields.forEach((key, value) -> {
      if (key.startsWith("cmdstat_")) {
        String count = value.substring("calls=".length(), value.indexOf(','));
        calls.put(key.substring("cmdstat_".length()), Long.parseLong(count));
      }
    });
    long serverCpu = micros(fields.get("used_cpu_user")) + micros(fields.get("used_cpu_sys"));
    return new Snapshot(calls, Long.parseLong(fields.get("total_net_input_bytes")),
        Long.parseLong(fields.get("total_net_output_bytes")), serverCpu, CpuTime.processNanos(), serviceCpuNanos,
        reply.length(),
        System.nanoTime());
  }

  private static long micros(String seconds) {
    return Math.round(Double.parseDouble(seconds) * 1e6);
  }

  /** What happened on the server between two snapshots, less the probe's own INFO traffic. */
  CommandDelta delta(Snapshot before, Snapshot after) {
    Map<String, Long> diff = new HashMap<>();
    after.calls().forEach((command, count) -> {
      long d = count - before.calls().getOrDefault(command, 0L);
      if (d > 0 && !command.equals("info")) {
        diff.put(command, d);
      }
    });
    // The earlier reply was written after its counters were read; ~40 bytes is the INFO request itself.
    long output = after.netOutput() - before.netOutput() - before.replyBytes() - 16;
    long input = after.netInput() - before.netInput() - 40;
    return new CommandDelta(diff, Math.max(0, input), Math.max(0, output),
        Duration.ofNanos(after.nanos() - before.nanos()),
        Duration.ofNanos(1000 * (after.serverCpuMicros() - before.serverCpuMicros())),
        Duration.ofNanos(after.clientCpuNanos() - before.clientCpuNanos()),
        before.serviceCpuNanos() == NO_SERVICE || after.serviceCpuNanos() == NO_SERVICE ? Optional.empty()
            : Optional.of(Duration.ofNanos(after.serviceCpuNanos() - before.serviceCpuNanos())));
  }

  /**
   * {@code used_memory} less the memory of client connections (query and output buffers). Those buffers grow
   * and shrink with the traffic of the moment (Redisson spreads bulk calls over its 24 pooled connections,
   * each with its own buffer) and belong to no lock; without this a held lock seemed to cost ten times more
   * in one run than in the next. The script cache is left out too: Redisson sends its scripts with EVAL, so
   * its first calls add them to the cache, once per server rather than per lock.
   */
  long usedMemory() {
    Map<String, String> memory = parse(sync.info("memory"));
    return Long.parseLong(memory.get("used_memory")) - Long.parseLong(memory.get("mem_clients_normal"))
        - Long.parseLong(memory.get("used_memory_scripts"));
  }

  /** Empties the server; only ever called on the private server the harness started. */
  void flushAll() {
    sync.flushall(io.lettuce.core.FlushMode.SYNC);
  }

  long dbSize() {
    return sync.dbsize();
  }

  /** Keys of the current database that have no TTL, so stay until deleted: INFO keyspace keys - expires. */
  long persistentKeys() {
    String db = parse(sync.info("keyspace")).get("db0");
    if (db == null) {
      return 0;
    }
    long keys = 0;
    long expires = 0;
    for (String field : db.split(",")) {
      String[] pair = field.split("=");
      if (pair[0].equals("keys")) {
        keys = Long.parseLong(pair[1]);
      } else if (pair[0].equals("expires")) {
        expires = Long.parseLong(pair[1]);
      }
    }
    return keys - expires;
  }

  int connectedClients() {
    return Integer.parseInt(parse(sync.info("clients")).get("connected_clients"));
  }

  String version() {
    return parse(sync.info("server")).get("redis_version");
  }

  /** How many of the keys exist, asked in chunks so one call stays small. */
  long existing(List<String> keys) {
    long found = 0;
    for (int from = 0; from < keys.size(); from += 1000) {
      List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 1000));
      found += sync.exists(chunk.toArray(new String[0]));
    }
    return found;
  }

  /**
   * Waits until Redis has accounted for and shrunk the client buffers a burst of traffic left behind: it does
   * so in its clients cron, and only shrinks a query buffer after the client was idle for 2 s. Shorter waits
   * made the memory per lock of the same run differ by a factor of three.
   */
  void settle(Duration quiet) throws InterruptedException {
    sync.ping();
    Thread.sleep(quiet.toMillis());
  }

  static Map<String, String> parse(String info) {
    Map<String, String> fields = new HashMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
