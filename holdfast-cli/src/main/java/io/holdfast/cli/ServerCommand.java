package io.holdfast.cli;

import io.holdfast.HoldfastException;
import io.holdfast.server.HoldfastServer;
import io.holdfast.server.ServerConfig;
import io.holdfast.server.ServerSettings;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/*
 * holdfast server: runs the lock service in the foreground until interrupted (Ctrl-C or SIGTERM shut it down
 * gracefully). Flags override HOLDFAST_* environment variables, which override the --config file; the names are
 * those of ServerSettings. Without --redis it runs on the embedded in-memory store and says so on stderr too.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {"Runs the Holdfast lock service (gRPC, HTTP/JSON, /health and /metrics on one port).",
        "",
        "Settings: flags, then HOLDFAST_<NAME> environment variables, then the --config file (Java properties)."},
    footer = {"", "Examples:",
        "  holdfast server --redis redis://127.0.0.1:6379 \\",
        "      --token acme-client-token-1:acme:client --token acme-admin-token-01:acme:admin",
        "  holdfast server --port 7421 --set max-wait=2m"})
final class ServerCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default 7420).")
  Integer port;

  @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1).")
  String host;

  @Option(names = "--redis", paramLabel = "URI",
      description = {"Redis for all state (docs/server.md):", "  redis://host:port, rediss:// (TLS),",
          "  redis-sentinel://, redis-cluster://", "  or redis-quorum://",
          "Without it: embedded, single node, state lost on restart."})
  URI redis;

  @Option(names = "--config", paramLabel = "FILE", description = "A properties file of settings.")
  String config;

  @Option(names = "--token", paramLabel = "GRANT",
      description = "TOKEN:TENANT:ROLE, a bearer token (16 to 512 characters) of a tenant with role client or"
          + " admin; repeat for more. None: authentication off.")
  List<String> tokens;

  @Option(names = "--lock-delay", paramLabel = "DURATION",
      description = "How long a lock freed by session expiry stays ungrantable (default 5s).")
  Duration lockDelay;

  @Option(names = "--session-ttl", paramLabel = "DURATION", description = "Default session TTL (default 10s).")
  Duration sessionTtl;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain for TLS.")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key for TLS.")
  String tlsKey;

  @Option(names = "--insecure-allow-no-auth",
      description = "Allow a non-loopback --host without tokens (anyone who can connect is admin).")
  boolean insecure;

  @Option(names = "--set", paramLabel = "NAME=VALUE",
      description = "Any other setting by name, e.g. --set max-wait=2m (see the server documentation).")
  Map<String, String> settings;

  @Override
  public Integer call() throws InterruptedException {
    ServerConfig configuration = configuration();
    PrintWriter err = spec.commandLine().getErr();
    if (configuration.inMemory()) {
      err.println("holdfast: WARNING no --redis: running on the EMBEDDED in-memory store (single node, all"
          + " sessions and locks are lost on restart)");
    }
    HoldfastServer server;
    try {
      server = HoldfastServer.start(configuration);
    } catch (HoldfastException | IllegalStateException e) {
      throw new CliFailure("cannot start the server: " + e.getMessage()
          + (e instanceof IllegalStateException && e.getMessage().contains("in use")
              ? "; choose another with --port or HOLDFAST_PORT" : ""), HoldfastCli.EXIT_USAGE);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "holdfast-server-shutdown"));
    spec.commandLine().getOut().println("holdfast server listening on " + server.uri() + " (store "
        + server.describeStore() + ")");
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }

  /** The settings from flags, environment and file, validated; nothing is started. */
  ServerConfig configuration() {
    try {
      return ServerSettings.load(flags(), System.getenv());
    } catch (IllegalArgumentException e) {
      throw new CliFailure("bad server setting: " + e.getMessage(), HoldfastCli.EXIT_USAGE);
    }
  }

  private Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    if (settings != null) {
      flags.putAll(settings);
    }
    put(flags, "config", config);
    put(flags, "port", port);
    put(flags, "host", host);
    put(flags, "redis", redis);
    put(flags, "tokens", tokens == null ? null : String.join(",", tokens));
    put(flags, "lock-delay", lockDelay == null ? null : lockDelay.toMillis() + "ms");
    put(flags, "session-ttl", sessionTtl == null ? null : sessionTtl.toMillis() + "ms");
    put(flags, "tls-cert", tlsCert);
    put(flags, "tls-key", tlsKey);
    if (insecure) {
      flags.put("insecure-allow-no-auth", "true");
    }
    return flags;
  }

  private static void put(Map<String, String> flags, String key, Object value) {
    if (value != null) {
      flags.put(key, value.toString());
    }
  }
}
