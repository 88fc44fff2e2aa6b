package io.holdfast.verify;

import io.holdfast.server.HoldfastServer;
import io.holdfast.server.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Entry point of a lock service instance that a --target service run starts (java -cp <same class path>
 * io.holdfast.verify.ServiceMain key=value...): holdfast-server's HoldfastServer on a loopback port over the
 * run's Redis, in a JVM of its own so that the checker can SIGSTOP and SIGKILL it like a real instance. It serves
 * until its standard input closes, which happens when the checker closes it or dies, and then halts at once:
 * an instance must not outlive the run, and nothing is lost by halting (every session and lock is in Redis).
 */
final class ServiceMain {
  private static final Logger log = LoggerFactory.getLogger(ServiceMain.class);
  private static final Duration LONGEST_SESSION = Duration.ofHours(1);
  private static final Duration START_PATIENCE = Duration.ofSeconds(45);

  private ServiceMain() { }

  /**
   * Runs one instance until standard input closes (halt 0), or fails to start (halt 4).
   *
   * @param args key=value options: port, redis (a backend URI), prefix, sessionTtl, lockDelay and ttl (millis)
   */
  public static void main(String[] args) {
    Map<String, String> options = ClientMain.parse(args);
    try {
      HoldfastServer server = startPatiently(config(options));
      log.info("verify service instance ready on port {}", server.port());
    } catch (RuntimeException e) {
      log.error("service instance failed to start", e);
      Runtime.getRuntime().halt(4);
    } catch (InterruptedException e) {
      Runtime.getRuntime().halt(4);
    }
    awaitEndOfInput(System.in);
    Runtime.getRuntime().halt(0);
  }

  /**
   * The server gives up at start when Redis does not answer within its Redis timeout (half a TTL here), which a
   * loaded machine can exceed while a fresh JVM warms up: keep trying for a while rather than fail the run.
   */
  private static HoldfastServer startPatiently(ServerConfig config) throws InterruptedException {
    long deadline = System.nanoTime() + START_PATIENCE.toNanos();
    while (true) {
      try {
        return HoldfastServer.start(config);
      } catch (RuntimeException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        log.info("cannot start yet ({}); retrying", e.getMessage());
        Thread.sleep(200);
      }
    }
  }

  /**
   * The instance's settings: sessions and lock-delay as the run chose them, and the timeouts scaled to the lease
   * TTL as the library client's are (HoldfastDriver), so a Redis pause fails calls within half a TTL.
   */
  static ServerConfig config(Map<String, String> options) {
    Duration ttl = millis(options, "ttl");
    Duration sessionTtl = millis(options, "sessionTtl");
    return ServerConfig.builder()
        .host("127.0.0.1")
        .port(Integer.parseInt(options.get("port")))
        .redis(URI.create(options.get("redis")))
        .keyPrefix(options.get("prefix"))
        .sessionTtl(sessionTtl, sessionTtl, LONGEST_SESSION)
        .lockDelay(millis(options, "lockDelay"))
        .redisTimeout(ttl.dividedBy(2))
        .recheckInterval(ttl)
        .shutdownGrace(Duration.ZERO)
        .build();
  }

  private static Duration millis(Map<String, String> options, String key) {
    return Duration.ofMillis(Long.parseLong(options.get(key)));
  }

  private static void awaitEndOfInput(InputStream in) {
    try {
      while (in.read() >= 0) {
        // The checker never writes; reading only waits for the end.
      }
    } catch (IOException e) {
      log.info("standard input failed ({}); stopping", e.getMessage());
    }
  }
}
