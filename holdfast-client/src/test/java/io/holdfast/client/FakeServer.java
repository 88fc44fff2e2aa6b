package io.holdfast.client;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import io.grpc.BindableService;
import io.grpc.stub.StreamObserver;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.api.v1.OpenSessionRequest;
import io.holdfast.api.v1.Session;
import io.holdfast.api.v1.SessionServiceGrpc;
import java.time.Duration;

/**
 * A stand-in lock service for client tests: /health, a session service with one fixed session, and the given
 * services.
 */
final class FakeServer {
  private FakeServer() { }

  /** Starts a fake server with the fixed session and {@code services}; the caller stops it. */
  static Server start(BindableService... services) {
    return start(new FixedSession(), services);
  }

  /** Starts a fake server with its own session service; the caller stops it. */
  static Server start(SessionServiceGrpc.SessionServiceImplBase sessions, BindableService... services) {
    GrpcServiceBuilder grpc = GrpcService.builder().addService(sessions);
    for (BindableService service : services) {
      grpc.addService(service);
    }
    Server server = Server.builder().http(0).service(grpc.build()).service("/health", HealthCheckService.of())
        .build();
    server.start().join();
    return server;
  }

  /** Through a fake server with {@code services}: acquires {@code name} without waiting, releases it. */
  static long acquireAndRelease(String name, BindableService... services) {
    Server server = start(services);
    try (Holdfast holdfast = Holdfast.connect("holdfast://127.0.0.1:" + server.activeLocalPort())) {
      Lease lease = holdfast.tryAcquire(name, Duration.ofSeconds(10), Duration.ZERO).orElseThrow();
      lease.release();
      return lease.fencingToken().value();
    } finally {
      server.stop().join();
    }
  }

  /* Answers every open with session "s1". Stateless. */
  private static final class FixedSession extends SessionServiceGrpc.SessionServiceImplBase {
    @Override
    public void openSession(OpenSessionRequest request, StreamObserver<Session> observer) {
      observer.onNext(Session.newBuilder().setSessionId("s1").setTtlMs(30_000).build());
      observer.onCompleted();
    }
  }
}
