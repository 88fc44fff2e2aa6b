package io.holdfast.bench;

import io.holdfast.server.HoldfastServer;
import io.holdfast.server.ServerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/*
 * The lock service in a JVM of its own, as ServiceProcess starts it: the same settings path as `holdfast server`
 * (ServerSettings.load, then HoldfastServer.start), on a free loopback port, without authentication. It prints
 * READY_PREFIX and its URI on stdout once it listens, then serves until its stdin reaches end-of-file or it gets
 * SIGTERM. Why stdin: the harness holds the pipe's only write end, so however the harness dies (even SIGKILL,
 * which runs no shutdown hook) the kernel closes it and the service stops instead of outliving the run.
 *
 * Safe to run twice over one Redis: nothing here is shared but the key prefix the harness passes.
 */
final class ServiceMain {
  /** The start of the line on stdout that says the service is ready; the URI follows it. */
  static final String READY_PREFIX = "holdfast-bench service listening on ";

  /**
   * Measures the service with its deadlock detection set otherwise than its default (requester), e.g. {@code off}
   * to see what the detection costs waiting acquires; passed through {@code holdfast.bench.service.jvmOptions}.
   */
  static final String DEADLOCK_PROPERTY = "holdfast.bench.service.deadlockDetection";

  private ServiceMain() { }

  private static String redisUri(String uri) {
    String detection = System.getProperty(DEADLOCK_PROPERTY);
    if (detection == null) {
      return uri;
    }
    return uri + (uri.contains("?") ? "&" : "?") + "deadlockDetection=" + detection;
  }

  /**
   * Starts the service and blocks until stdin closes.
   *
   * @param args the Redis URI, then the key prefix
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: ServiceMain REDIS_URI KEY_PREFIX");
      System.exit(2);
    }
    // No environment: HOLDFAST_* variables meant for a real service must not change what the bench measures.
    HoldfastServer server = HoldfastServer.start(ServerSettings.load(
        Map.of("host", "127.0.0.1", "port", "0", "redis", redisUri(args[0]), "key-prefix", args[1]), Map.of()));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "holdfast-bench-service-shutdown"));
    System.out.println(READY_PREFIX + server.uri());
    System.out.flush();
    InputStream in = System.in;
    while (in.read() >= 0) {
      // Nothing is ever sent; only the end of the stream matters.
    }
    server.close();
    System.exit(0);
  }
}
