package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.client.grpc.GrpcClients;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The standard gRPC services tools and probes expect (docs/server.md): {@code grpc.health.v1} answering SERVING while
 * the store answers and NOT_SERVING while Redis is down, and server reflection listing the holdfast.v1 services,
 * both without a bearer token on a server that requires one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StandardGrpcServicesIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static HoldfastServer server;

  @BeforeAll
  static void start() {
    server = HoldfastServer.start(ServerConfig.builder().port(0).redis(URI.create(redis.uri()))
        .token(TokenGrant.parse("standard-services-token:acme:client"))
        .shutdownGrace(Duration.ofSeconds(1)).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void healthCheck_redisStoppedThenRestarted_notServingThenServing() {
    HealthGrpc.HealthBlockingStub health = GrpcClients.builder("http://127.0.0.1:" + server.port())
        .responseTimeout(Duration.ofSeconds(10)).build(HealthGrpc.HealthBlockingStub.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> status(health) == ServingStatus.SERVING);

    redis.server().kill();
    await().atMost(Duration.ofSeconds(10)).until(() -> status(health) == ServingStatus.NOT_SERVING);

    redis.server().restart();
    await().atMost(Duration.ofSeconds(20)).until(() -> status(health) == ServingStatus.SERVING);
  }

  @Test
  void reflection_withoutToken_listsTheHoldfastServices() throws Exception {
    ServerReflectionGrpc.ServerReflectionStub reflection = GrpcClients.builder("http://127.0.0.1:" + server.port())
        .responseTimeout(Duration.ofSeconds(10)).build(ServerReflectionGrpc.ServerReflectionStub.class);
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = reflection.serverReflectionInfo(new StreamObserver<>() {
      @Override
      public void onNext(ServerReflectionResponse response) {
        answer.complete(response);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        answer.completeExceptionally(new AssertionError("reflection ended without an answer"));
      }
    });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());

    List<String> services = answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
        .map(ServiceResponse::getName).toList();
    requests.onCompleted();

    assertThat(services).contains("holdfast.v1.SessionService", "holdfast.v1.LockService",
        "holdfast.v1.AdminService", "holdfast.v1.CallStream", "grpc.health.v1.Health");
  }

  private static ServingStatus status(HealthGrpc.HealthBlockingStub health) {
    HealthCheckResponse response = health.check(HealthCheckRequest.getDefaultInstance());
    return response.getStatus();
  }
}
