package io.holdfast.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A JVM started with the running test's class path, for tests that need a real second process (to SIGKILL or
 * SIGSTOP it, to give it another environment, to see what its JVM exit leaves behind). Its standard output and
 * error are read as one stream of lines, which a test awaits by prefix.
 *
 * <p>Thread-safe: one daemon thread reads the child's output into a blocking queue (and a list of every line
 * seen, for failure messages); the awaiting test thread only takes from the queue.
 */
public final class ChildJvm implements AutoCloseable {
  private static final String END = new String("end of the child's output");
  private static final Duration REAP = Duration.ofSeconds(10);

  private final Process process;
  private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();

  private ChildJvm(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "child-jvm-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code main} in a new JVM with this JVM's environment.
   *
   * @param main a class with a {@code main} method on the test class path
   * @param args its arguments
   * @return the running child
   * @throws UncheckedIOException if the JVM cannot be started
   */
  public static ChildJvm start(Class<?> main, String... args) {
    return start(main, List.of(args), environment -> { });
  }

  /**
   * Starts {@code main} in a new JVM whose environment {@code environment} may change first.
   *
   * @param main a class with a {@code main} method on the test class path
   * @param args its arguments
   * @param environment adjusts the child's environment (a copy of this JVM's)
   * @return the running child
   * @throws UncheckedIOException if the JVM cannot be started
   */
  public static ChildJvm start(Class<?> main, List<String> args, Consumer<Map<String, String>> environment) {
    String java = ProcessHandle.current().info().command().orElse("java");
    // Surefire and failsafe may boot through a manifest-only jar; this property has the real class path.
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
        classPath, main.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    environment.accept(builder.environment());
    try {
      return new ChildJvm(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a JVM for " + main.getName(), e);
    }
  }

  private void read() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        seen.add(line);
        unread.add(line);
      }
    } catch (IOException ended) {
      // The process is gone: nothing more to read.
    }
    unread.add(END);
  }

  /**
   * Waits for the next line starting with {@code prefix}, skipping the lines before it.
   *
   * @param prefix what the line starts with ("" for the next line)
   * @param timeout how long to wait
   * @return the rest of that line, trimmed
   * @throws AssertionError if the child ends or prints no such line within {@code timeout}
   * @throws InterruptedException if interrupted while waiting
   */
  public String await(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : unread.poll(left, TimeUnit.NANOSECONDS);
      if (line == null || line == END) {
        if (line == END) {
          unread.add(END);
        }
        throw new AssertionError("child printed no line starting with '" + prefix + "' within " + timeout
            + (line == END ? " (it ended, exit code " + exitCode() + ")" : " (alive: " + process.isAlive() + ")")
            + "; its output: " + seen);
      }
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
    }
  }

  /**
   * Every line the child printed so far, standard error included.
   *
   * @return a snapshot
   */
  public List<String> lines() {
    return List.copyOf(seen);
  }

  /**
   * The child process, to destroy or inspect it directly.
   *
   * @return the process
   */
  public Process process() {
    return process;
  }

  /**
   * Sends a signal with {@code kill(1)}.
   *
   * @param signal its name without {@code SIG}: {@code STOP}, {@code CONT}, {@code TERM}
   * @throws IOException if {@code kill} fails
   * @throws InterruptedException if interrupted while waiting for {@code kill}
   */
  public void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /**
   * SIGKILLs the child and reaps it (up to 10 s).
   *
   * @throws InterruptedException if interrupted while reaping
   */
  public void killHard() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(REAP.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Waits for the child to exit by itself.
   *
   * @param timeout how long to wait
   * @return whether it exited within {@code timeout}
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private String exitCode() {
    try {
      return process.waitFor(REAP.toMillis(), TimeUnit.MILLISECONDS) ? Integer.toString(process.exitValue()) : "none";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Kills the child if it still runs (resuming it first, should it be stopped). */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      signal("CONT");
      killHard();
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
