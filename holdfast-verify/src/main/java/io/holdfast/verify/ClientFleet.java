package io.holdfast.verify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * The client JVMs of a run, each behind its own TCP proxies to what it connects to (Redis, or the lock service
 * instances with --target service), so one client can be cut off alone; none where the topology hands out server
 * addresses itself, see ClientEndpoints.endpoints. Each client has
 * its own base wall-clock offset. A killed client is replaced by a new one with a new id: ids, and so history
 * processes, are never reused.
 */
final class ClientFleet implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(120);

  private final RunConfig config;
  private final Hub hub;
  private final ClientEndpoints upstream;
  private final Path dir;
  private final Random random;
  private final AtomicInteger nextId = new AtomicInteger(1);
  private final Map<String, ClientProcess> processes = new ConcurrentHashMap<>();
  private final Map<String, Proxies> proxies = new ConcurrentHashMap<>();
  private final Map<String, Duration> baseOffsets = new ConcurrentHashMap<>();

  ClientFleet(RunConfig config, Hub hub, ClientEndpoints upstream, Path dir) {
    this.config = config;
    this.hub = hub;
    this.upstream = upstream;
    this.dir = dir;
    this.random = new Random(config.seed() ^ 0xC11E47L);
  }

  /** Starts the initial clients and waits until every one has connected. */
  void start() throws InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < config.clients(); i++) {
      ids.add(spawn());
    }
    for (String id : ids) {
      if (!hub.awaitClient(id, CONNECT_TIMEOUT)) {
        throw new IllegalStateException("client " + id + " did not connect within " + CONNECT_TIMEOUT
            + "; see " + dir.resolve(id + ".log"));
      }
    }
  }

  /** Starts one more client (without waiting for it) and returns its id. */
  String spawn() {
    String id = "c" + nextId.getAndIncrement();
    Proxies proxy = new Proxies(id, upstream.endpoints());
    Duration offset = config.faults().contains(FaultKind.CLIENT_CLOCK)
        ? Duration.ofSeconds(random.nextInt(1_201) - 600) : Duration.ZERO;
    List<String> args = new ArrayList<>(List.of("hub=" + hub.port(), "client=" + id,
        "backend=" + upstream.clientUri(proxy.ports()), "seed=" + (config.seed() + nextId.get()),
        "clockOffset=" + offset.toMillis()));
    args.addAll(config.workload().toArgs());
    proxies.put(id, proxy);
    baseOffsets.put(id, offset);
    processes.put(id, ClientProcess.start(id, args, dir.resolve(id + ".log")));
    return id;
  }

  /** Clients that are running, connected and not frozen. */
  List<String> active() {
    return processes.values().stream()
        .filter(p -> p.isAlive() && !p.isPaused() && hub.isConnected(p.id()))
        .map(ClientProcess::id).sorted().toList();
  }

  ClientProcess process(String id) {
    return processes.get(id);
  }

  Proxies proxy(String id) {
    return proxies.get(id);
  }

  Duration baseOffset(String id) {
    return baseOffsets.get(id);
  }

  /** Asks every client to finish its current cycle and exit; kills those that do not within the grace. */
  void stop(Duration grace) {
    processes.values().forEach(ClientProcess::resume);
    processes.keySet().forEach(id -> hub.command(id, "STOP"));
    long deadline = System.nanoTime() + grace.toNanos();
    for (ClientProcess process : processes.values()) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      if (!process.awaitExit(left)) {
        process.kill();
      }
    }
  }

  @Override
  public void close() {
    processes.values().stream().filter(ClientProcess::isAlive).forEach(ClientProcess::kill);
    proxies.values().forEach(Proxies::close);
  }
}
