package io.holdfast.verify;

import io.holdfast.testkit.redis.RedisServer;
import io.holdfast.testkit.redis.RedisServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/*
 * One redis-server started by the checker (through the test kit), with an append-only file. Redis writes the file
 * before it sends any reply, in every fsync mode but everysec (which may postpone the write while a background
 * fsync runs), so a SIGKILL of the process loses nothing acknowledged: the data is in the kernel's page cache.
 * fsync only matters when the machine dies, which this checker does not simulate; so the default is appendfsync
 * no, which spares the 2-3 ms an fsync costs per write on a virtual disk and lets long runs reach a million
 * acquisitions. "--fsync always" restores the test kit's default. "Restart without persistence" is the same crash
 * with the append-only file deleted before the restart: the server comes back empty, exactly as a server without
 * persistence does, and a single server can suffer both kinds in one run.
 *
 * When the Redis clock fault is wanted and libfaketime works, the server is the embedded redis-server 6.2 under
 * libfaketime (see FakeTime); the offset is checked against TIME right after start, so a libfaketime that has no
 * effect disables the fault instead of reporting steps that never happened.
 */
final class StandaloneTopology implements Topology {
  private static final Duration PROBE_STEP = Duration.ofSeconds(1_000);

  private final RedisServer server;
  private final FakeTime fakeTime;
  private final String version;
  private final String clockNote;

  private final String fsync;

  private StandaloneTopology(RedisServer server, FakeTime fakeTime, String clockNote, String fsync) {
    this.server = server;
    this.fsync = fsync;
    this.fakeTime = fakeTime;
    this.version = server.info("server").get("redis_version");
    this.clockNote = clockNote;
  }

  static StandaloneTopology start(Path dir, boolean wantRedisClock, String fsync) {
    Optional<FakeTime> fake = wantRedisClock ? FakeTime.prepare(dir) : Optional.empty();
    RedisServerBuilder builder = RedisServer.builder().persistence(true).arg("--appendfsync", fsync);
    fake.ifPresent(f -> builder.binary(f.binary()));
    RedisServer server = builder.build().start();
    if (fake.isEmpty()) {
      return new StandaloneTopology(server, null,
          wantRedisClock ? "redis-clock unavailable: libfaketime not installed (apt-get install faketime)" : "",
          fsync);
    }
    if (!clockSteps(server, fake.get())) {
      return new StandaloneTopology(server, null, "redis-clock unavailable: libfaketime did not move TIME", fsync);
    }
    return new StandaloneTopology(server, fake.get(), "Redis clock stepped through libfaketime", fsync);
  }

  private static boolean clockSteps(RedisServer server, FakeTime fake) {
    fake.set(PROBE_STEP);
    long seen = redisMillis(server);
    fake.set(Duration.ZERO);
    long expected = System.currentTimeMillis() + PROBE_STEP.toMillis();
    return Math.abs(seen - expected) < 10_000 && Math.abs(redisMillis(server) - System.currentTimeMillis()) < 10_000;
  }

  private static long redisMillis(RedisServer server) {
    List<?> time = (List<?>) server.command("TIME");
    return Long.parseLong(time.get(0).toString()) * 1000 + Long.parseLong(time.get(1).toString()) / 1000;
  }

  @Override
  public String describe() {
    return "standalone redis-server " + version + " (" + server.binary().getFileName()
        + ", append-only file written before each reply, appendfsync " + fsync + ") on " + server.host() + ":"
        + server.port()
        + (clockNote.isEmpty() ? "" : "; " + clockNote);
  }

  @Override
  public List<InetSocketAddress> endpoints() {
    return List.of(new InetSocketAddress(server.host(), server.port()));
  }

  @Override
  public String clientUri(List<Integer> proxyPorts) {
    return "redis://127.0.0.1:" + proxyPorts.get(0);
  }

  @Override
  public Set<FaultKind> supportedFaults() {
    Set<FaultKind> kinds = FaultKind.clientSide();
    kinds.addAll(FaultKind.network());
    kinds.addAll(EnumSet.of(FaultKind.REDIS_PAUSE, FaultKind.REDIS_RESTART, FaultKind.REDIS_WIPE));
    if (fakeTime != null) {
      kinds.add(FaultKind.REDIS_CLOCK);
    }
    return kinds;
  }

  @Override
  public String inject(FaultKind kind, Duration clockStep) {
    switch (kind) {
      case REDIS_PAUSE -> server.pause();
      case REDIS_RESTART -> server.kill();
      case REDIS_WIPE -> {
        server.kill();
        wipe(server.workingDirectory());
      }
      case REDIS_CLOCK -> {
        fakeTime.set(clockStep);
        return "clock stepped to " + clockStep.toMillis() + " ms off true time";
      }
      default -> throw new IllegalArgumentException(kind + " is not a Redis fault");
    }
    return "pid " + server.pid();
  }

  @Override
  public String heal(FaultKind kind) {
    switch (kind) {
      case REDIS_PAUSE -> server.resume();
      case REDIS_RESTART, REDIS_WIPE -> server.start();
      case REDIS_CLOCK -> fakeTime.set(Duration.ZERO);
      default -> throw new IllegalArgumentException(kind + " is not a Redis fault");
    }
    return kind == FaultKind.REDIS_CLOCK ? "clock stepped back to true time" : "pid " + server.pid();
  }

  /** Deletes the persisted data (append-only file or directory, snapshots), keeping the log. */
  static void wipe(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> !f.getFileName().toString().endsWith(".log")).toList()) {
        deleteRecursively(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot wipe the Redis data in " + dir, e);
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> tree = Files.walk(path)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
