package io.holdfast.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One real {@code redis-server} process on 127.0.0.1, for tests. Build it with {@link #builder()},
 * then {@link #start()} it; the port is picked on the first start and kept for the life of the
 * object, so {@link #restart()} brings the server back where clients expect it.
 *
 * <p>Fault injection: {@link #stop()} (graceful), {@link #kill()} (SIGKILL, as a crash),
 * {@link #pause()} / {@link #resume()} (SIGSTOP / SIGCONT, as a GC pause or a frozen VM: the socket
 * accepts connections but nothing answers). Without {@linkplain RedisServerBuilder#persistence(boolean)
 * persistence} a restart comes back empty; with it every write is fsynced to the append-only file
 * first, so even a {@link #kill()} keeps acknowledged writes.
 *
 * <p>The server's output is appended to {@link #logFile()} in a private working directory, and a
 * start-up failure quotes its last lines. No process outlives the JVM, even a JVM killed with
 * SIGKILL, and the working directory of a server nobody closed is deleted at JVM exit.
 *
 * <p>Thread-safe: lifecycle methods are serialised, while {@link #command} is not, so one thread can
 * {@link #resume()} a server another thread is waiting on.
 */
public final class RedisServer implements AutoCloseable {

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final ServerConfig config;
  private final Path workDir;
  private final ServerLifecycle lifecycle;
  private volatile boolean closed;

  RedisServer(ServerConfig config) {
    this.config = config;
    try {
      this.workDir = Files.createTempDirectory("holdfast-redis-server-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a working directory for redis-server", e);
    }
    // A server nobody closes still leaves no directory behind once the JVM exits.
    JvmExit.delete(workDir);
    this.lifecycle = new ServerLifecycle(config, workDir);
  }

  /**
   * Starts configuring a server; nothing runs until {@link #start()}.
   *
   * @return a new builder
   */
  public static RedisServerBuilder builder() {
    return new RedisServerBuilder();
  }

  /**
   * Starts the process and waits until it answers PING. The first start picks a free loopback port,
   * retrying with another if the port is taken between the check and redis-server's bind; later
   * starts reuse that port, waiting for it to be released first.
   *
   * @return this server, for chaining
   * @throws IllegalStateException if it is already running or closed, if it does not answer within
   *     the start timeout (the message quotes its last output), or if its port was taken meanwhile
   */
  public RedisServer start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("Closed: " + this);
      }
      lifecycle.start();
      return this;
    }
  }

  /**
   * Stops gracefully: SIGTERM, then SIGKILL if the process has not exited within the stop timeout.
   * Returns once the process is gone. A paused server is resumed first, as a stopped process cannot
   * act on SIGTERM. Does nothing if the server is not running.
   */
  public void stop() {
    lifecycle.stop();
  }

  /**
   * Kills the process with SIGKILL, simulating a crash; returns once it is gone. Without persistence
   * all data is lost. Does nothing if the server is not running.
   */
  public void kill() {
    lifecycle.kill();
  }

  /**
   * Stops the server if it runs (gracefully, see {@link #stop()}) and starts it again on the same port.
   * Also revives a server that was killed or that exited on its own.
   *
   * @return this server, for chaining
   * @throws IllegalStateException as {@link #start()}
   */
  public RedisServer restart() {
    synchronized (lifecycle) {
      lifecycle.stop();
      return start();
    }
  }

  /**
   * Freezes the process with SIGSTOP. Connections are still accepted by the kernel, but no command is
   * answered until {@link #resume()}: clients see timeouts, not refusals. Does nothing if already paused.
   *
   * @throws IllegalStateException if the server is not running
   */
  public void pause() {
    lifecycle.pause();
  }

  /** Thaws a {@linkplain #pause() paused} process with SIGCONT. Does nothing if it is not paused. */
  public void resume() {
    lifecycle.resume();
  }

  /**
   * Whether the process is alive, paused or not. False after {@link #stop()}, {@link #kill()}, or if the
   * process exited on its own (for instance after a {@code SHUTDOWN} command).
   *
   * @return true if the process is alive
   */
  public boolean isRunning() {
    return lifecycle.isRunning();
  }

  /**
   * Whether the process is alive and frozen by {@link #pause()}.
   *
   * @return true if paused
   */
  public boolean isPaused() {
    return lifecycle.isPaused();
  }

  /**
   * Returns the host the server listens on; always the IPv4 loopback address.
   *
   * @return {@code "127.0.0.1"}
   */
  public String host() {
    return ServerLifecycle.HOST;
  }

  /**
   * Returns the TCP port, chosen at the first start and kept across restarts.
   *
   * @return the port
   * @throws IllegalStateException if the server was never started
   */
  public int port() {
    return lifecycle.port();
  }

  /**
   * Returns the Redis URI clients should connect to.
   *
   * @return {@code redis://127.0.0.1:PORT}
   * @throws IllegalStateException if the server was never started
   */
  public String uri() {
    return "redis://" + host() + ":" + port();
  }

  /**
   * Returns the operating-system process id of the running process, or of the last one if it has
   * since stopped (so a test can check it is really gone).
   *
   * @return the pid
   * @throws IllegalStateException if the server was never started
   */
  public long pid() {
    return lifecycle.pid();
  }

  /**
   * Sends one command and returns its reply, with a 30 second timeout.
   *
   * @param args the command and its arguments, such as {@code "CONFIG", "SET", "maxmemory", "1mb"}
   * @return a {@link String} for status and bulk replies, a {@link Long} for integers, a {@link List}
   *     for arrays, or {@code null} for a null reply
   * @throws RedisReplyException if Redis answers with an error
   * @throws UncheckedIOException if the connection fails or times out
   */
  public Object command(String... args) {
    return command(COMMAND_TIMEOUT, args);
  }

  /**
   * Sends one command and returns its reply, as {@link #command(String...)}. The timeout bounds the
   * connect and each read; against a {@linkplain #pause() paused} server it expires with an
   * {@link UncheckedIOException} caused by a {@link java.net.SocketTimeoutException}.
   *
   * @param timeout how long to wait for the connection and for the reply
   * @param args the command and its arguments
   * @return the reply, mapped as in {@link #command(String...)}
   * @throws RedisReplyException if Redis answers with an error
   * @throws UncheckedIOException if the connection fails or times out
   */
  public Object command(Duration timeout, String... args) {
    return Resp.call(host(), port(), timeout, args);
  }

  /**
   * Runs {@code INFO section} and parses the {@code key:value} lines.
   *
   * @param section an INFO section such as {@code server}, {@code memory} or {@code persistence}
   * @return an unmodifiable map in the server's order
   */
  public Map<String, String> info(String section) {
    return Resp.parseInfo(command("INFO", section));
  }

  /**
   * Returns {@code used_memory} from {@code INFO memory}.
   *
   * @return bytes allocated by Redis
   */
  public long usedMemory() {
    return Long.parseLong(info("memory").get("used_memory"));
  }

  /**
   * Returns the private directory holding the log and, with persistence, the append-only file.
   *
   * @return the working directory
   */
  public Path workingDirectory() {
    return workDir;
  }

  /**
   * Returns the file that collects the process's stdout and stderr across restarts.
   *
   * @return the log file, which exists once the server has been started
   */
  public Path logFile() {
    return lifecycle.logFile();
  }

  /**
   * Returns the {@code redis-server} executable this server runs.
   *
   * @return the binary
   */
  public Path binary() {
    return config.binary();
  }

  /**
   * Stops the server like {@link #stop()} and deletes its working directory; it cannot be started again.
   * Safe to call more than once.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        lifecycle.stop();
      } finally {
        JvmExit.deleteRecursively(workDir);
        JvmExit.forget(workDir);
      }
    }
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return "RedisServer[" + lifecycle + (closed ? " closed" : "") + "]";
  }
}
