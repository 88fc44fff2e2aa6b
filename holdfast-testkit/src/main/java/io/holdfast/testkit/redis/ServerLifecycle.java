package io.holdfast.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine behind {@link RedisServer}: which process is current, on which port, paused or
 * not. Kept apart from the public class so that one reads as API and this one as policy.
 *
 * <p>Invariants: {@code port} is zero until the first successful start and never changes after it;
 * {@code current} is the last process that became ready and has not been stopped or killed (it may
 * have died on its own, which {@link #isRunning()} reveals); {@code paused} implies {@code current}
 * was SIGSTOPped and not SIGCONTed since.
 *
 * <p>Methods that change state are synchronized; {@link #port()} is volatile-read so commands can be
 * sent without the lock, which matters when one thread waits on a paused server while another resumes it.
 */
final class ServerLifecycle {

  static final String HOST = "127.0.0.1";

  private static final Logger LOG = LoggerFactory.getLogger(ServerLifecycle.class);
  private static final int PORT_ATTEMPTS = 5;

  private final ServerConfig config;
  private final Path workDir;
  private final Path logFile;

  private volatile int port;
  private ServerProcess current;
  private long lastPid = -1;
  private boolean paused;

  ServerLifecycle(ServerConfig config, Path workDir) {
    this.config = config;
    this.workDir = workDir;
    this.logFile = workDir.resolve("redis.log");
  }

  synchronized void start() {
    if (isRunning()) {
      throw new IllegalStateException("Already running on port " + port);
    }
    if (current != null) {
      // It exited on its own (SHUTDOWN, a crash): reap it and retire its guard, which would otherwise
      // linger and, were the JVM SIGKILLed, signal a pid the kernel may have handed to someone else.
      stop();
    }
    if (port == 0) {
      startOnFreePort();
      return;
    }
    Ports.awaitFree(port, config.startTimeout());
    if (launch(port) == ServerProcess.Readiness.PORT_TAKEN) {
      throw new IllegalStateException("Port " + port + " was taken by another process while redis-server"
          + " was down; a restarted server must keep its port. Log: " + logFile);
    }
  }

  synchronized void stop() {
    if (current == null) {
      return;
    }
    if (paused && current.isAlive()) {
      // A stopped process cannot act on SIGTERM, so it must be thawed before it is asked to exit.
      current.signal("CONT");
    }
    current.terminate(config.stopTimeout());
    current = null;
    paused = false;
  }

  synchronized void kill() {
    if (current == null) {
      return;
    }
    current.kill();
    current = null;
    paused = false;
  }

  synchronized void pause() {
    if (!isRunning()) {
      throw new IllegalStateException("Cannot pause a server that is not running");
    }
    if (!paused) {
      current.signal("STOP");
      paused = true;
    }
  }

  synchronized void resume() {
    if (paused && current != null && current.isAlive()) {
      current.signal("CONT");
    }
    paused = false;
  }

  synchronized boolean isRunning() {
    return current != null && current.isAlive();
  }

  synchronized boolean isPaused() {
    return paused && isRunning();
  }

  synchronized long pid() {
    if (lastPid < 0) {
      throw new IllegalStateException("Not started yet: no pid");
    }
    return lastPid;
  }

  int port() {
    int p = port;
    if (p == 0) {
      throw new IllegalStateException("Not started yet: the port is chosen by the first start()");
    }
    return p;
  }

  Path logFile() {
    return logFile;
  }

  @Override
  public synchronized String toString() {
    return HOST + ":" + (port == 0 ? "unstarted" : port)
        + (isRunning() ? " pid=" + lastPid + (paused ? " paused" : "") : " down")
        + (config.persistence() ? " persistent" : "") + " " + config.binary();
  }

  private void startOnFreePort() {
    for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      int candidate = Ports.freeLoopbackPort();
      if (launch(candidate) == ServerProcess.Readiness.READY) {
        port = candidate;
        return;
      }
      LOG.debug("Port {} was taken before redis-server could bind it (attempt {})", candidate, attempt);
    }
    throw new IllegalStateException("Another process took the chosen free port " + PORT_ATTEMPTS
        + " times in a row; the machine is short of ports. Log: " + logFile);
  }

  private ServerProcess.Readiness launch(int onPort) {
    ServerProcess process = ServerProcess.launch(commandLine(onPort), workDir, logFile);
    ServerProcess.Readiness readiness = process.awaitReady(HOST, onPort, config.startTimeout());
    if (readiness == ServerProcess.Readiness.READY) {
      current = process;
      lastPid = process.pid();
      paused = false;
      LOG.debug("Started redis-server pid {} on {}:{}", lastPid, HOST, onPort);
    }
    return readiness;
  }

  List<String> commandLine(int onPort) {
    List<String> cmd = new ArrayList<>(List.of(config.binary().toString()));
    if (config.configFile() != null) {
      // redis-server reads a configuration file only as its first argument.
      cmd.add(writeConfigFileOnce().toString());
    }
    cmd.addAll(List.of(
        "--port", Integer.toString(onPort), "--bind", HOST,
        // Empty "save" disables RDB snapshots: tests must not pay for, or be surprised by, fork+dump.
        "--save", "", "--protected-mode", "no", "--daemonize", "no", "--dir", workDir.toString()));
    // "always" makes a write durable before it is acknowledged, so a test's SIGKILL cannot lose it.
    cmd.addAll(config.persistence() ? List.of("--appendonly", "yes", "--appendfsync", "always")
        : List.of("--appendonly", "no"));
    // Last, so a caller's option overrides a default above; those we rely on are refused by the builder.
    cmd.addAll(config.args());
    return cmd;
  }

  /* Written on the first start only: the server may have rewritten it since, and a restart must keep that. */
  private Path writeConfigFileOnce() {
    Path file = workDir.resolve("redis.conf");
    try {
      if (!Files.exists(file)) {
        Files.writeString(file, config.configFile() + System.lineSeparator());
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }
}
