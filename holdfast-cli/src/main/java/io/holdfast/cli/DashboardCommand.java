package io.holdfast.cli;

import com.linecorp.armeria.server.Server;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.HoldfastOptions;
import io.holdfast.redis.RedisTopology;
import io.holdfast.server.DashboardService;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/*
 * holdfast dashboard --redis URI: the lock service's live dashboard page for a library-only fleet, served by this
 * process from what one Redis server holds (FleetDashboard). Read-only. It asks for no token: it listens on
 * loopback unless told otherwise, and whoever can reach it sees what the Redis credentials in --redis can read.
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description = {"Serves the live dashboard (held locks, waiters, connected clients) for a library-only fleet,",
        "reading one Redis server directly; open the printed address in a browser. docs/dashboard.md says what",
        "it can and cannot show. The lock service serves the same page itself on /dashboard."},
    footer = {"", "Examples:",
        "  holdfast dashboard --redis redis://127.0.0.1:6379",
        "  holdfast dashboard --redis redis://127.0.0.1:6379 --port 8080 --key-prefix billing"})
final class DashboardCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--redis", paramLabel = "URI", required = true, converter = RedisOption.UriConverter.class,
      description = "The Redis server the fleet uses: redis://host:port or rediss://host:port.")
  URI redis;

  @Option(names = "--port", paramLabel = "N", description = "Port to serve the page on (default 7421).")
  int port = 7421;

  @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1).")
  String host = "127.0.0.1";

  @Option(names = "--key-prefix", paramLabel = "PREFIX", description = "The fleet's key prefix (default holdfast).")
  String keyPrefix = "holdfast";

  @Override
  public Integer call() throws InterruptedException {
    if (RedisTopology.of(redis) != RedisTopology.STANDALONE) {
      throw new CliFailure("holdfast dashboard reads one Redis server (redis:// or rediss://), not "
          + Backends.redact(redis.toString()), HoldfastCli.EXIT_USAGE);
    }
    HoldfastOptions options;
    try {
      options = HoldfastOptions.builder().backend(redis.toString()).keyPrefix(keyPrefix)
          .clientName("holdfast-cli-dashboard").build();
    } catch (HoldfastException e) {
      throw new CliFailure(e.getMessage(), HoldfastCli.EXIT_USAGE);
    }
    ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "holdfast-dashboard-redis"));
    RedisClient client = RedisClient.create(RedisURI.create(redis));
    try (Holdfast holdfast = Backends.connect(options);
         StatefulRedisConnection<String, String> connection = client.connect()) {
      FleetDashboard source = new FleetDashboard(holdfast, connection.sync(), keyPrefix,
          Backends.redact(redis.toString()), thread);
      Server server = DashboardService.mount(Server.builder().http(new InetSocketAddress(host, port)), source,
          authorization -> "").build();
      server.start().join();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.stop().join();
        stopped.countDown();
      }, "holdfast-dashboard-shutdown"));
      PrintWriter out = spec.commandLine().getOut();
      out.println("holdfast dashboard on http://" + host + ":" + server.activeLocalPort() + "/dashboard (Redis "
          + Backends.redact(redis.toString()) + "; Ctrl-C to stop)");
      out.flush();
      try {
        stopped.await();
      } finally {
        server.stop().join();
      }
      return 0;
    } catch (HoldfastException e) {
      throw Backends.failure(redis.toString(), e);
    } catch (io.lettuce.core.RedisException e) {
      throw new CliFailure("cannot read Redis " + Backends.redact(redis.toString()) + ": "
          + Backends.rootMessage(e), HoldfastCli.EXIT_USAGE);
    } finally {
      thread.shutdownNow();
      client.shutdown();
    }
  }
}
