package io.holdfast.bench;

import static java.util.stream.Collectors.joining;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lock service running in a child JVM ({@link ServiceMain}), as it runs in production: its own heap, JIT,
 * GC and threads, so the harness's CPU time is the clients' alone and the service's is read from the child.
 * Started with this JVM's own {@code java} binary and class path, which holds holdfast-server whether the
 * harness runs from its jar, the CLI's jar or Maven. Its stdout and stderr go, line by line, to a log file.
 *
 * <p>Why no child outlives the harness: {@link #close} stops it (SIGTERM, then SIGKILL after a grace); a
 * shutdown hook does the same when the harness exits without closing it; and if the harness is killed outright,
 * the child sees its stdin close and stops itself (see {@link ServiceMain}).
 *
 * <p>Thread-safe: the fields are final and {@link Process} is; a second {@link #close} finds the child gone.
 */
final class ServiceProcess implements AutoCloseable {
  /** Extra JVM options for the child, space-separated, e.g. {@code -XX:StartFlightRecording=...} to profile it. */
  static final String JVM_OPTIONS_PROPERTY = "holdfast.bench.service.jvmOptions";

  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration GRACE = Duration.ofSeconds(10);

  private final Process process;
  private final URI uri;
  private final Thread hook;

  private ServiceProcess(Process process, URI uri, Thread hook) {
    this.process = process;
    this.uri = uri;
    this.hook = hook;
  }

  /**
   * Starts the service and waits until it listens.
   *
   * @param redisUri the Redis server the service keeps its state in
   * @param keyPrefix the prefix of its keys
   * @param log the file its output is appended to (its directory is created)
   * @return the running service
   * @throws IllegalStateException when it exits or stays silent during start-up; the message names the log
   */
  static ServiceProcess start(String redisUri, String keyPrefix, Path log) {
    Process process = launch(command(redisUri, keyPrefix), log);
    Thread hook = new Thread(() -> stop(process), "holdfast-bench-service-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return new ServiceProcess(process, awaitReady(process, log), hook);
    } catch (RuntimeException e) {
      stop(process);
      removeHook(hook);
      throw e;
    }
  }

  private static List<String> command(String redisUri, String keyPrefix) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command()
        .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
    Arrays.stream(System.getProperty(JVM_OPTIONS_PROPERTY, "").split(" "))
        .filter(option -> !option.isBlank()).forEach(command::add);
    command.addAll(List.of("-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-cp", classPath(), ServiceMain.class.getName(), redisUri, keyPrefix));
    return command;
  }

  /**
   * The harness's class path: {@code java.class.path}, unless the harness was loaded by a class loader of its
   * own (Maven's {@code exec:java} runs it in Maven's JVM, whose class path is Maven's), whose URLs it is then.
   */
  private static String classPath() {
    if (ServiceMain.class.getClassLoader() instanceof URLClassLoader loader) {
      return Arrays.stream(loader.getURLs()).map(ServiceProcess::path).collect(joining(File.pathSeparator));
    }
    return System.getProperty("java.class.path");
  }

  private static String path(URL url) {
    try {
      return Path.of(url.toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("class path entry is not a file: " + url, e);
    }
  }

  private static Process launch(List<String> command, Path log) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      Files.writeString(log, "== " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the lock service (" + command.get(0) + "), log " + log, e);
    }
  }

  /** Copies the child's output to the log until it exits, and yields its URI from the ready line. */
  private static URI awaitReady(Process process, Path log) {
    CompletableFuture<URI> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(process, log, ready), "holdfast-bench-service-log");
    pump.setDaemon(true);
    pump.start();
    try {
      return ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the lock service (pid " + process.pid() + ") did not start: "
          + (e instanceof TimeoutException ? "no ready line within " + START_TIMEOUT : e.getCause().getMessage())
          + "; see " + log.toAbsolutePath(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the lock service started", e);
    }
  }

  private static void pump(Process process, Path log, CompletableFuture<URI> ready) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.println(line);
        if (!ready.isDone() && line.startsWith(ServiceMain.READY_PREFIX)) {
          ready.complete(URI.create(line.substring(ServiceMain.READY_PREFIX.length()).trim()));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IllegalStateException("it exited during start-up"));
  }

  /** The service's {@code holdfast://} URI on the loopback address. */
  URI uri() {
    return uri;
  }

  /** The child process, to check on it. */
  ProcessHandle toHandle() {
    return process.toHandle();
  }

  /**
   * CPU time (user + system, all threads) the child has used so far, from the kernel's per-process counters
   * ({@code /proc/<pid>/stat} on Linux, in clock ticks of 10 ms): fine for slices of seconds, coarse for the
   * smoke profile's 100 ms ones. Empty when the platform does not report it or the child is gone.
   */
  Optional<Duration> cpu() {
    return process.toHandle().info().totalCpuDuration();
  }

  /** Stops the child (SIGTERM, then SIGKILL after a grace) and returns once it is gone. */
  @Override
  public void close() {
    stop(process);
    removeHook(hook);
  }

  /** Stops a child (SIGTERM, then SIGKILL after a grace) and returns once it is gone; {@link ExternalServer} too. */
  static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Removes a shutdown hook that stops a child, unless the JVM is already exiting. */
  static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already exiting, and the hook is running or has run: nothing left to undo.
    }
  }
}
