package io.holdfast.testkit.redis;

import io.holdfast.testkit.ChildJvm;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Run in a child JVM ({@link #start}): starts a server, reports on it, and never stops it, so only the test
 * kit's safety nets can end it. Prints {@code key=value} lines, {@code pid} last.
 */
final class ServerProbe {
  private static final Duration GENEROUS = Duration.ofSeconds(60);

  private ServerProbe() {}

  /** A probe JVM in {@code mode} ({@code exit} or {@code hang}) and its report, read up to {@code pid}. */
  record Run(ChildJvm jvm, Map<String, String> report) {
    long redisPid() {
      return Long.parseLong(report.get("pid"));
    }

    boolean awaitExit() throws InterruptedException {
      return jvm.awaitExit(GENEROUS);
    }
  }

  /** Starts the probe in {@code mode}; {@code env} may adjust the child's environment. */
  static Run start(String mode, Consumer<Map<String, String>> env) throws InterruptedException {
    ChildJvm jvm = ChildJvm.start(ServerProbe.class, List.of(mode), env);
    Map<String, String> report = new HashMap<>();
    for (String line = jvm.await("", GENEROUS); ; line = jvm.await("", GENEROUS)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        report.put(line.substring(0, eq), line.substring(eq + 1));
      }
      if (line.startsWith("pid=")) {
        return new Run(jvm, report);
      }
    }
  }

  /**
   * Entry point.
   *
   * @param args {@code exit} to return from main at once (the shutdown hook must act), or {@code hang}
   *     to wait until the parent SIGKILLs this JVM (the orphan guard must act)
   * @throws InterruptedException never in practice; the parent kills the JVM while it sleeps
   */
  public static void main(String[] args) throws InterruptedException {
    RedisBinary binary = RedisBinary.locate();
    RedisServer server = RedisServer.builder().build().start();
    System.out.println("source=" + binary.source());
    System.out.println("ping=" + server.command("PING"));
    System.out.println("dir=" + server.workingDirectory());
    System.out.println("pid=" + server.pid());
    System.out.flush();
    if (args.length > 0 && args[0].equals("hang")) {
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
