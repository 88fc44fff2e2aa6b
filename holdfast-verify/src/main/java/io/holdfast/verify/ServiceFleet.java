package io.holdfast.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/*
 * The lock service instances of a --target service run: holdfast-server in child JVMs (ServiceMain, launched
 * like the clients by ClientProcess), all over the run's Redis without a proxy, so every Redis fault of the
 * topology hits the service's path and the clients' proxies sit between each client and the instances. Each
 * instance keeps its port for the whole run, so a killed one restarts where the clients' URIs point.
 *
 * Safe to share: the list of instances is fixed at start; an instance's process is replaced only by the fault
 * scheduler's thread (kill, then restart), and readers only read the ports.
 */
final class ServiceFleet implements ClientEndpoints, AutoCloseable {
  private static final Duration START_PATIENCE = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final String KEY_PREFIX = "verify";

  private final Target target;
  private final RunConfig config;
  private final String redisUri;
  private final Path dir;
  private final int[] ports;
  private final ClientProcess[] processes;
  private Duration startup = Duration.ZERO;

  private ServiceFleet(RunConfig config, String redisUri, Path dir) {
    this.config = config;
    this.target = config.target();
    this.redisUri = redisUri;
    this.dir = dir;
    this.ports = new int[target.instances()];
    this.processes = new ClientProcess[target.instances()];
  }

  /** Starts every instance over {@code redisUri} and waits until each accepts connections. */
  static ServiceFleet start(RunConfig config, String redisUri, Path dir) {
    ServiceFleet fleet = new ServiceFleet(config, redisUri, dir);
    long began = System.nanoTime();
    try {
      for (int i = 0; i < fleet.ports.length; i++) {
        fleet.ports[i] = freePort();
        fleet.launch(i);
      }
      for (int i = 0; i < fleet.ports.length; i++) {
        fleet.awaitReady(i);
      }
      fleet.startup = Duration.ofNanos(System.nanoTime() - began);
      return fleet;
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  /**
   * A port the OS just had free. Another process could take it before the instance binds it (the instance then
   * fails to start and the run says so); the instance cannot pick port 0 itself, as a restart must keep the port.
   */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port for a service instance", e);
    }
  }

  private void launch(int i) {
    List<String> args = List.of("port=" + ports[i], "redis=" + redisUri, "prefix=" + KEY_PREFIX,
        "sessionTtl=" + target.sessionTtl().toMillis(), "lockDelay=" + target.lockDelay().toMillis(),
        "ttl=" + config.workload().ttl().toMillis());
    processes[i] = ClientProcess.start(name(i), ServiceMain.class, args, dir.resolve(name(i) + ".log"));
  }

  private void awaitReady(int i) {
    long deadline = System.nanoTime() + START_PATIENCE.toNanos();
    while (!accepts(ports[i])) {
      if (!processes[i].isAlive() || System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(name(i) + " did not start listening on port " + ports[i] + " within "
            + START_PATIENCE + "; see " + dir.resolve(name(i) + ".log"));
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String name(int i) {
    return "service" + (i + 1);
  }

  /**
   * How much longer than its hold a service-kill may take to heal: twice what starting the instances took at the
   * beginning of the run, since the restart waits for a new JVM.
   */
  Duration healAllowance() {
    return startup.multipliedBy(2);
  }

  int size() {
    return ports.length;
  }

  /** SIGSTOP instance {@code i}; returns a note for the history. */
  String pause(int i) {
    processes[i].pause();
    return name(i) + " (pid " + processes[i].pid() + ", port " + ports[i] + ") frozen";
  }

  String resume(int i) {
    processes[i].resume();
    return name(i) + " thawed";
  }

  /** SIGKILL instance {@code i} and wait until it is gone; returns a note for the history. */
  String kill(int i) {
    long pid = processes[i].pid();
    processes[i].kill();
    return name(i) + " (pid " + pid + ", port " + ports[i] + ") killed";
  }

  /** Starts instance {@code i} again on its port and waits until it accepts connections. */
  String restart(int i) {
    launch(i);
    awaitReady(i);
    return name(i) + " restarted as pid " + processes[i].pid();
  }

  String describe() {
    return target.describe(config.workload().ttl()) + "; ports "
        + Arrays.stream(ports).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  @Override
  public List<InetSocketAddress> endpoints() {
    List<InetSocketAddress> endpoints = new ArrayList<>();
    for (int port : ports) {
      endpoints.add(new InetSocketAddress("127.0.0.1", port));
    }
    return endpoints;
  }

  @Override
  public String clientUri(List<Integer> proxyPorts) {
    return "holdfast://" + proxyPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  @Override
  public void close() {
    for (ClientProcess process : processes) {
      if (process != null && process.isAlive()) {
        process.kill();
      }
    }
  }
}
