package io.holdfast.client;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ClientFactoryBuilder;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.client.endpoint.healthcheck.HealthCheckedEndpointGroup;
import com.linecorp.armeria.client.grpc.GrpcClientBuilder;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.SessionProtocol;
import io.holdfast.BackendUnavailableException;
import io.holdfast.api.v1.AdminServiceGrpc;
import io.holdfast.api.v1.CallStreamGrpc;
import io.holdfast.api.v1.LockServiceGrpc;
import io.holdfast.api.v1.PrimitiveServiceGrpc;
import io.holdfast.api.v1.SessionServiceGrpc;
import io.holdfast.api.v1.WireBatching;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/*
 * The connection to the lock service: one Armeria client factory (its connection pool and event loop), a
 * health-checked group of the service's instances, and gRPC stubs over that group. Instances are checked on
 * /health every second; one that stops answering, or whose Redis is unreachable, leaves the group, so calls move
 * to a healthy instance (the service is stateless: sessions live in Redis, any instance serves any call). Unary
 * calls time out after the operation timeout; the Watch and CallStream stubs have no timeout because their streams
 * are long-lived (calls on a CallStream are timed one by one by StreamCalls).
 * Armeria clients and stubs are thread-safe; close() runs once.
 */
final class ServiceChannel implements AutoCloseable {
  /** The first health check of every instance must have a chance to finish, even on a loaded machine. */
  private static final Duration MIN_CONNECT = Duration.ofSeconds(10);
  private static final Duration REFUSAL_PROBE = Duration.ofSeconds(2);
  private final ClientFactory factory;
  private final HealthCheckedEndpointGroup endpoints;
  final SessionServiceGrpc.SessionServiceStub sessions;
  final LockServiceGrpc.LockServiceStub locks;
  final LockServiceGrpc.LockServiceStub watches;
  final CallStreamGrpc.CallStreamStub streams;
  final AdminServiceGrpc.AdminServiceStub admin;
  final PrimitiveServiceGrpc.PrimitiveServiceStub primitives;
  final PrimitiveServiceGrpc.PrimitiveServiceStub primitiveWatches;

  private ServiceChannel(ClientFactory factory, HealthCheckedEndpointGroup endpoints, ServiceTarget target,
      Duration timeout) {
    this.factory = factory;
    this.endpoints = endpoints;
    SessionProtocol protocol = target.tls() ? SessionProtocol.HTTPS : SessionProtocol.HTTP;
    this.sessions = stub(protocol, target, timeout).build(SessionServiceGrpc.SessionServiceStub.class);
    this.locks = stub(protocol, target, timeout).build(LockServiceGrpc.LockServiceStub.class);
    this.admin = stub(protocol, target, timeout).build(AdminServiceGrpc.AdminServiceStub.class);
    this.primitives = stub(protocol, target, timeout).build(PrimitiveServiceGrpc.PrimitiveServiceStub.class);
    this.primitiveWatches = stub(protocol, target, Duration.ZERO).maxResponseLength(0)
        .build(PrimitiveServiceGrpc.PrimitiveServiceStub.class);
    this.watches = stub(protocol, target, Duration.ZERO).maxResponseLength(0)
        .build(LockServiceGrpc.LockServiceStub.class);
    this.streams = stub(protocol, target, Duration.ZERO).maxResponseLength(0)
        .addHeader(WireBatching.BATCH_HEADER, "1")
        .build(CallStreamGrpc.CallStreamStub.class);
  }

  /**
   * Connects and waits until at least one instance is healthy.
   *
   * @throws BackendUnavailableException when none is within {@code timeout} (at least 10 s)
   */
  static ServiceChannel open(ServiceTarget target, Duration timeout) {
    failFastIfAllRefuse(target);
    Duration connectTimeout = timeout.compareTo(MIN_CONNECT) < 0 ? MIN_CONNECT : timeout;
    ClientFactoryBuilder builder = ClientFactory.builder().idleTimeout(Duration.ofSeconds(60));
    target.trustedCa().ifPresent(ca -> builder.tlsCustomizer(tls -> tls.trustManager(ca.toFile())));
    ClientFactory factory = builder.build();
    List<Endpoint> list = target.hosts().stream().map(h -> Endpoint.of(h.host(), h.port())).toList();
    HealthCheckedEndpointGroup endpoints = HealthCheckedEndpointGroup
        .builder(EndpointGroup.of(list), "/health")
        .protocol(target.tls() ? SessionProtocol.HTTPS : SessionProtocol.HTTP)
        .clientFactory(factory)
        .retryInterval(Duration.ofSeconds(1))
        .selectionTimeout(timeout)
        .build();
    try {
      endpoints.whenReady().get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      endpoints.close();
      factory.close();
      throw new BackendUnavailableException("no healthy Holdfast server at " + target.describe() + " within "
          + connectTimeout.toMillis() + " ms (is it running, and is its Redis reachable?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      endpoints.close();
      factory.close();
      throw new BackendUnavailableException("interrupted while connecting to " + target.describe(), e);
    }
    return new ServiceChannel(factory, endpoints, target, timeout);
  }

  /*
   * A refused connection is a definite answer, unlike a missing health-check reply on a loaded machine: when every
   * instance refuses, nothing is listening there, and waiting out the health-check time would only delay saying so.
   */
  private static void failFastIfAllRefuse(ServiceTarget target) {
    List<String> refused = new ArrayList<>();
    ConnectException last = null;
    for (ServiceTarget.HostPort host : target.hosts()) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host.host(), host.port()), (int) REFUSAL_PROBE.toMillis());
        return;
      } catch (ConnectException e) {
        last = e;
        refused.add(host.host() + ":" + host.port());
      } catch (IOException e) {
        return; // no answer or an unknown host: the health check decides, with its own time allowance
      }
    }
    throw new BackendUnavailableException("nothing is listening at " + String.join(", ", refused)
        + " (connection refused): is the lock service running there (holdfast server), and is that its address?", last);
  }

  private GrpcClientBuilder stub(SessionProtocol protocol, ServiceTarget target, Duration timeout) {
    GrpcClientBuilder builder = GrpcClients.builder(protocol, endpoints).factory(factory).responseTimeout(timeout);
    target.token().ifPresent(token -> builder.addHeader("authorization", "Bearer " + token));
    return builder;
  }

  /** How many instances are healthy right now. */
  int healthyInstances() {
    return endpoints.endpoints().size();
  }

  @Override
  public void close() {
    endpoints.close();
    factory.close();
  }
}
