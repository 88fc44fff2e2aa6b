package io.holdfast.testkit.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Test helper: runs {@link ServerProbe} in a child JVM and reads what it reports. */
final class ChildJvm {

  private static final Duration GENEROUS = Duration.ofSeconds(60);

  final Process process;
  /** The probe's {@code key=value} lines, read up to and including {@code pid}. */
  final Map<String, String> report;

  private ChildJvm(Process process, Map<String, String> report) {
    this.process = process;
    this.report = report;
  }

  /** Starts the probe in {@code mode} and waits for its report; {@code env} may adjust the environment. */
  static ChildJvm startProbe(String mode, Consumer<Map<String, String>> env) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    // Surefire and failsafe may boot through a manifest-only jar; this property has the real class path.
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", classPath, ServerProbe.class.getName(), mode)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    env.accept(builder.environment());
    Process process = builder.start();
    return new ChildJvm(process, readReport(process));
  }

  long redisPid() {
    return Long.parseLong(report.get("pid"));
  }

  boolean awaitExit() throws InterruptedException {
    return process.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS);
  }

  private static Map<String, String> readReport(Process process) throws IOException {
    Map<String, String> report = new HashMap<>();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        report.put(line.substring(0, eq), line.substring(eq + 1));
      }
      if (line.startsWith("pid=")) {
        return report;
      }
    }
    throw new AssertionError("probe JVM ended before reporting a server pid (exit code "
        + exitCode(process) + "); its stderr is in the test output");
  }

  private static String exitCode(Process process) {
    try {
      return process.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "none";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
