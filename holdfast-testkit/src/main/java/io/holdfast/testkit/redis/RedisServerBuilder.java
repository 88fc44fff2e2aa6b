package io.holdfast.testkit.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Configures a {@link RedisServer}; obtain one from {@link RedisServer#builder()}.
 *
 * <pre>{@code
 * RedisServer server = RedisServer.builder()
 *     .arg("--maxmemory", "100mb")
 *     .arg("--maxmemory-policy", "allkeys-lru")
 *     .persistence(true)
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>Not thread-safe; a builder may be reused, each {@link #build()} taking a snapshot.
 */
public final class RedisServerBuilder {

  /**
   * Options the server relies on to be reachable, findable and cleaned up; a caller overriding one
   * would break it in ways that surface far from the cause, so they are refused up front.
   */
  private static final Set<String> MANAGED = Set.of(
      "--port", "--bind", "--daemonize", "--dir", "--logfile", "--appendonly", "--unixsocket");

  private Path binary;
  private final List<String> args = new ArrayList<>();
  private boolean persistence;
  private Duration startTimeout = Duration.ofSeconds(30);
  private Duration stopTimeout = Duration.ofSeconds(10);
  private String configFile;

  RedisServerBuilder() {}

  /**
   * Runs this executable instead of the one {@link RedisBinary#locate()} finds.
   *
   * @param binary a {@code redis-server} executable
   * @return this builder
   * @throws IllegalArgumentException if it is not an executable file
   */
  public RedisServerBuilder binary(Path binary) {
    Objects.requireNonNull(binary, "binary");
    if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
      throw new IllegalArgumentException("binary " + binary + " is not an executable file");
    }
    this.binary = binary;
    return this;
  }

  /**
   * Adds a configuration option to the command line, after the defaults, so it overrides them.
   *
   * @param option an option with its leading dashes, such as {@code "--maxmemory"}
   * @param values its values, such as {@code "100mb"}; an empty string is passed as an empty argument
   * @return this builder
   * @throws IllegalArgumentException if the option does not start with {@code --}, or is one the
   *     server manages itself ({@code --port}, {@code --bind}, {@code --daemonize}, {@code --dir},
   *     {@code --logfile}, {@code --unixsocket}; and {@code --appendonly}, see {@link #persistence})
   */
  public RedisServerBuilder arg(String option, String... values) {
    Objects.requireNonNull(option, "option");
    if (!option.startsWith("--") || option.length() < 3) {
      throw new IllegalArgumentException("option must look like --name but was '" + option + "'");
    }
    String name = option.toLowerCase(Locale.ROOT);
    if (MANAGED.contains(name)) {
      throw new IllegalArgumentException(option + " is managed by RedisServer"
          + (name.equals("--appendonly") ? "; use persistence(true)" : "") + " and cannot be set");
    }
    args.add(option);
    for (String value : values) {
      args.add(Objects.requireNonNull(value, () -> "a value of " + option + " is null"));
    }
    return this;
  }

  /**
   * Turns the append-only file on ({@code --appendonly yes --appendfsync always}) in the server's
   * private working directory, so data survives {@link RedisServer#restart()} and even
   * {@link RedisServer#kill()}. Off by default: a restart then starts empty.
   *
   * @param enabled whether to persist
   * @return this builder
   */
  public RedisServerBuilder persistence(boolean enabled) {
    this.persistence = enabled;
    return this;
  }

  /**
   * Writes {@code contents} to {@code redis.conf} in the server's working directory before its first start and
   * passes that file as the first argument; options given with {@link #arg} still override it. The file is
   * written once and kept across restarts, because a server may rewrite it ({@code CONFIG REWRITE}, and
   * Sentinel records the current master and its peers there), and a restart must find what it wrote.
   *
   * @param contents the configuration, one directive per line, such as
   *     {@code "sentinel monitor mymaster 127.0.0.1 6379 2"}
   * @return this builder
   */
  public RedisServerBuilder configFile(String contents) {
    this.configFile = Objects.requireNonNull(contents, "contents");
    return this;
  }

  /**
   * Sets how long {@link RedisServer#start()} waits for PING to answer; 30 seconds by default,
   * generous because a busy two-core CI machine can be slow to fork and exec.
   *
   * @param timeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public RedisServerBuilder startTimeout(Duration timeout) {
    this.startTimeout = positive("startTimeout", timeout);
    return this;
  }

  /**
   * Sets how long {@link RedisServer#stop()} waits after SIGTERM before sending SIGKILL; 10 seconds by default.
   *
   * @param timeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public RedisServerBuilder stopTimeout(Duration timeout) {
    this.stopTimeout = positive("stopTimeout", timeout);
    return this;
  }

  /**
   * Creates the server, not yet started. Locates the binary now if none was set, so a missing
   * {@code redis-server} fails here rather than in the middle of a test.
   *
   * @return a new, stopped server with its own working directory
   * @throws IllegalStateException if no {@code redis-server} can be found
   */
  public RedisServer build() {
    Path exe = binary != null ? binary : RedisBinary.locate().path();
    return new RedisServer(new ServerConfig(exe, args, persistence, startTimeout, stopTimeout, configFile));
  }

  private static Duration positive(String name, Duration timeout) {
    Objects.requireNonNull(timeout, name);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(name + " must be positive but was " + timeout);
    }
    return timeout;
  }
}
