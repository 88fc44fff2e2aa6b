package io.holdfast.server;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.TlsKeyPair;
import com.linecorp.armeria.common.grpc.GrpcJsonMarshaller;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcHealthCheckService;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import com.linecorp.armeria.server.grpc.UnframedGrpcErrorHandler;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.holdfast.api.v1.CallStreamGrpc;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Holdfast lock service: gRPC (unary calls, and the busy calls over one stream per client, with the
 * standard {@code grpc.health.v1} health check and server reflection), HTTP/JSON (transcoded from the same
 * {@code holdfast.v1} API, every field printed),
 * {@code /health} (readiness, including the store), {@code /health/live}, Prometheus {@code /metrics} and the live
 * {@code /dashboard} (admin tokens; docs/dashboard.md), all on one port.
 *
 * <p>The server is stateless: every session, lock and waiter lives in the store (Redis), so any number of
 * servers may share one Redis and a client may call any of them; a restart loses nothing but in-flight waits.
 * Without a Redis URI it runs on an in-memory store: one instance only, everything lost on restart.
 *
 * <p>Redis may be a single server, a Sentinel-managed master, a Redis Cluster or independent masters (the URI's
 * scheme says which, as for the library); docs/server.md says what differs per topology.
 *
 * <p>Failures: while Redis is unreachable, at start-up or later, every request fails with UNAVAILABLE (at once on
 * a single server and Sentinel, within the Redis timeout on Cluster), {@code /health} turns unhealthy, and both
 * recover by themselves when Redis answers again. Every Redis step is one Lua script on one hash slot and safe to
 * repeat; an operation that needs several steps answers UNAVAILABLE if one fails, and what it leaves never holds
 * a lock past the lock's own deadline.
 */
public final class HoldfastServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HoldfastServer.class);

  /**
   * The tenant of every caller while authentication is off. The service stores a tenant's lock {@code NAME} as the
   * library lock {@code TENANT/NAME}, so tools reading Redis directly find it there.
   */
  public static final String OPEN_TENANT = Authenticator.OPEN_TENANT;

  private final ServerConfig config;
  private final LockStore store;
  private final Server server;
  private final LockServiceImpl locks;
  private final PrimitiveServiceImpl primitives;
  private final CallStreamImpl streams;
  private final Housekeeper housekeeper;
  private final ScheduledThreadPoolExecutor timers;
  private final AutoCloseable jvmMeters;
  private final AtomicBoolean closed = new AtomicBoolean();

  private HoldfastServer(ServerConfig config, LockStore store, Server server, LockServiceImpl locks,
      CallStreamImpl streams, Housekeeper housekeeper, ScheduledThreadPoolExecutor timers,
      AutoCloseable jvmMeters, PrimitiveServiceImpl primitives) {
    this.jvmMeters = jvmMeters;
    this.primitives = primitives;
    this.config = config;
    this.store = store;
    this.server = server;
    this.locks = locks;
    this.streams = streams;
    this.housekeeper = housekeeper;
    this.timers = timers;
  }

  /**
   * Connects to the store and starts listening; returns once the port is bound and the store was checked once.
   * Redis need not answer yet: until it does, {@code /health} answers 503 naming it, requests fail with
   * UNAVAILABLE, and the server connects in the background and then serves without a restart.
   *
   * @param config the configuration
   * @return the running server
   * @throws io.holdfast.HoldfastException INVALID_ARGUMENT for a malformed Redis URI, or the library's error
   *     when Redis refuses the connection's set-up (credentials, for example)
   * @throws IllegalStateException when the port cannot be bound
   */
  public static HoldfastServer start(ServerConfig config) {
    ScheduledThreadPoolExecutor timers = Timers.create();
    LockStore store = Stores.open(config);
    AutoCloseable jvmMeters = () -> { };
    PrimitiveBackends backends = null;
    try {
      backends = new PrimitiveBackends(config);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ServiceMetrics metrics = new ServiceMetrics(registry);
      jvmMeters = JvmMeters.bind(registry);
      WaitRoom room = new WaitRoom();
      store.onReleaseToHead(room::released);
      metrics.waiterGauges(room::waiters, room::watchers);
      Requests requests = new Requests(config);
      Calls calls = new Calls(metrics);
      LockServiceImpl locks = new LockServiceImpl(store, requests, calls,
          new AcquireWait.Setting(store, room, timers, metrics, config.recheckInterval()));
      SessionServiceImpl sessions = new SessionServiceImpl(store, requests, calls, config);
      CallStreamImpl streams = new CallStreamImpl(locks, sessions);
      PrimitiveServiceImpl primitives = new PrimitiveServiceImpl(backends, requests, calls, config.maxWait());
      Housekeeper housekeeper = new Housekeeper(store, metrics, timers);
      WireErrors wireErrors = new WireErrors(config.maxMessageBytes());
      Authenticator authenticator = new Authenticator(config.tokens(), metrics);
      GrpcService grpc = standardServices(GrpcService.builder(), housekeeper)
          .addService(sessions)
          .addService(locks)
          .addService(streams)
          .addService(new AdminServiceImpl(store, requests, calls))
          .addService(primitives)
          .intercept(authenticator)
          .maxRequestMessageLength(config.maxMessageBytes())
          .exceptionHandler(wireErrors)
          .build();
      Server server = ServiceDashboard.mount(listener(config, grpc, housekeeper, registry), config, store, room, calls,
          metrics).route().get(HotLocksRoute.PATH).build(new HotLocksRoute(authenticator, metrics.locks().hot()))
          .errorHandler(wireErrors).build();
      bind(server, config);
      housekeeper.start();
      HoldfastServer running = new HoldfastServer(config, store, server, locks, streams, housekeeper, timers,
          jvmMeters, primitives);
      running.announce();
      return running;
    } catch (RuntimeException e) {
      store.close();
      if (backends != null) {
        backends.close();
      }
      timers.shutdownNow();
      JvmMeters.closeQuietly(jvmMeters);
      throw e;
    }
  }

  /*
   * What clients in any language expect beside the holdfast.v1 services: the grpc.health.v1 health check (SERVING
   * exactly while /health is ready, the store answering), server reflection (grpcurl), and HTTP/JSON whose answers
   * carry every field, false and zero included ("acquired": false, "remainingHolds": 0), with HTTP statuses that
   * mean what HTTP means (WireErrors.httpStatus).
   */
  private static GrpcServiceBuilder standardServices(GrpcServiceBuilder builder, Housekeeper housekeeper) {
    return builder
        .addService(GrpcHealthCheckService.builder().checkers(housekeeper.readiness()).build())
        .addService(ProtoReflectionServiceV1.newInstance())
        .enableHttpJsonTranscoding(true)
        .jsonMarshallerFactory(service -> GrpcJsonMarshaller.builder()
            .jsonMarshallerCustomizer(json -> json.includingDefaultValueFields(true)).build(service))
        .httpJsonTranscodingErrorHandler(UnframedGrpcErrorHandler.ofJson(WireErrors::httpStatus));
  }

  /* Starts listening; a port in use is the common failure, so it is named plainly rather than as a Netty error. */
  private static void bind(Server server, ServerConfig config) {
    try {
      server.start().join();
    } catch (CompletionException e) {
      server.stop();
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof java.net.BindException || message.contains("Address already in use")) {
          throw new IllegalStateException("port " + config.port() + " on " + config.host() + " is already in use"
              + " (another Holdfast server, or another program, listens there)", e);
        }
        if (message.contains("Cannot assign requested address")) {
          throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": "
              + config.host() + " is not an address of this machine", e);
        }
      }
      throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
  }

  private static ServerBuilder listener(ServerConfig config, GrpcService grpc, Housekeeper housekeeper,
      PrometheusMeterRegistry registry) {
    ServerBuilder builder = Server.builder();
    InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
    if (config.tls()) {
      builder.https(address);
      if (config.tlsCert() != null) {
        builder.tls(TlsKeyPair.of(config.tlsKey().toFile(), config.tlsCert().toFile()));
      } else {
        builder.tlsSelfSigned();
      }
    } else {
      builder.http(address);
    }
    Duration grace = config.shutdownGrace();
    JsonRequestCheck strictJson = new JsonRequestCheck();
    return builder.service(grpc, service -> unlimitedCallStreams(service.decorate(strictJson)))
        .service("/health", HealthCheckService.builder().checkers(housekeeper.readiness()).build()
            .decorate((delegate, ctx, req) -> {
              // Not ready because the store does not answer: say so, since "healthy: false" alone does not.
              String reason = housekeeper.downReason();
              return reason == null ? delegate.serve(ctx, req) : HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE,
                  MediaType.JSON_UTF_8, "{\"healthy\":false,\"reason\":" + JsonRequestCheck.quote(reason) + "}");
            }))
        .service("/health/live", HealthCheckService.of())
        .service("/metrics", (ctx, req) -> HttpResponse.of(MediaType.parse("text/plain; version=0.0.4; charset=utf-8"),
            registry.scrape()))
        .requestTimeout(Duration.ZERO)
        .maxRequestLength(4L * config.maxMessageBytes())
        .gracefulShutdownTimeout(Duration.ZERO, grace);
  }

  /**
   * A CallStream carries a client's busy calls for as long as it stays connected, so the whole-request limit (meant
   * for one unary call or JSON body) would cut it off after a few thousand calls; each of its messages is still
   * bounded by {@code max-message-bytes}.
   */
  private static HttpService unlimitedCallStreams(HttpService delegate) {
    String path = "/" + CallStreamGrpc.getCallsMethod().getFullMethodName();
    return delegate.decorate((service, ctx, req) -> {
      if (path.equals(ctx.path())) {
        ctx.setMaxRequestLength(0);
      }
      return service.serve(ctx, req);
    });
  }

  private void announce() {
    if (config.inMemory()) {
      log.warn("*** Holdfast server on the EMBEDDED in-memory store: single node, all sessions and locks are LOST"
          + " on restart, and other instances cannot share them. Use --redis redis://host:port in production. ***");
    }
    if (config.tokens().isEmpty()) {
      log.warn("authentication is OFF: every caller is admin of tenant '{}'", Authenticator.OPEN_TENANT);
    }
    log.info("Holdfast server {} listening on {} (store {}, session TTL {} ms [{}..{} ms], lock-delay {} ms, max "
        + "wait {} ms, {} token(s), TLS {}, key prefix '{}', Java {})", version(), uri(), store.describe(),
        config.sessionTtl().toMillis(), config.minSessionTtl().toMillis(), config.maxSessionTtl().toMillis(),
        config.lockDelay().toMillis(), config.maxWait().toMillis(), config.tokens().size(),
        config.tls() ? "on" : "off", config.keyPrefix(), Runtime.version());
  }

  /** The version in the jar's manifest, or "(development build)" when run from classes. */
  static String version() {
    String version = HoldfastServer.class.getPackage().getImplementationVersion();
    return version == null ? "(development build)" : version;
  }

  /**
   * The port the server listens on (useful with port 0).
   *
   * @return the bound port
   */
  public int port() {
    return server.activeLocalPort();
  }

  /** Client connections open now (tests use it to know the server has seen a connection close). */
  int openConnections() {
    return server.numConnections();
  }

  /**
   * The URI a {@code holdfast-client} uses to reach this server.
   *
   * @return {@code holdfast://host:port}, or {@code holdfasts://} with TLS
   */
  public URI uri() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return URI.create((config.tls() ? "holdfasts://" : "holdfast://") + host + ":" + port());
  }

  /**
   * Where state lives.
   *
   * @return e.g. {@code redis://127.0.0.1:6379 (Redis 7.0.15)}
   */
  public String describeStore() {
    return store.describe();
  }

  /**
   * Whether the store answered the last health check.
   *
   * @return the readiness reported on {@code /health}
   */
  public boolean isReady() {
    return housekeeper.readiness().isHealthy();
  }

  /**
   * Stops gracefully: waits, Watch streams and call streams end with ABORTED ("retry on another instance"),
   * in-flight unary calls get up to the shutdown grace to finish, then connections close. Sessions are untouched
   * (they live in the store and survive a restart). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    URI listening = uri();
    log.info("Holdfast server on {} shutting down", listening);
    housekeeper.stop();
    locks.shutdown();
    streams.shutdown();
    primitives.shutdown();
    server.stop().join();
    store.close();
    primitives.close();
    timers.shutdown();
    try {
      timers.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    JvmMeters.closeQuietly(jvmMeters);
    log.info("Holdfast server on {} stopped", listening);
  }
}
