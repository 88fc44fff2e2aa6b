package io.holdfast.server;

import com.linecorp.armeria.client.grpc.GrpcClientBuilder;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.holdfast.api.v1.AdminServiceGrpc;
import io.holdfast.api.v1.LockServiceGrpc;
import io.holdfast.api.v1.OpenSessionRequest;
import io.holdfast.api.v1.SessionServiceGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;
import org.assertj.core.api.Assertions;

/** Blocking gRPC stubs and a plain HTTP client for one server, as a test's caller with an optional token. */
final class TestStubs {
  final SessionServiceGrpc.SessionServiceBlockingStub sessions;
  final LockServiceGrpc.LockServiceBlockingStub locks;
  final AdminServiceGrpc.AdminServiceBlockingStub admin;
  private final String base;
  private final String token;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  TestStubs(HoldfastServer server, String token) {
    this.base = "http://127.0.0.1:" + server.port();
    this.token = token;
    this.sessions = builder(token).build(SessionServiceGrpc.SessionServiceBlockingStub.class);
    this.locks = builder(token).build(LockServiceGrpc.LockServiceBlockingStub.class);
    this.admin = builder(token).build(AdminServiceGrpc.AdminServiceBlockingStub.class);
  }

  private GrpcClientBuilder builder(String bearer) {
    GrpcClientBuilder builder = GrpcClients.builder(base).responseTimeout(Duration.ofSeconds(30));
    if (bearer != null) {
      builder.addHeader("authorization", "Bearer " + bearer);
    }
    return builder;
  }

  String openSession(long ttlMs) {
    return sessions.openSession(OpenSessionRequest.newBuilder().setClientName("test").setTtlMs(ttlMs).build())
        .getSessionId();
  }

  HttpResponse<String> post(String path, String json) {
    return post(path, json, "application/json");
  }

  HttpResponse<String> post(String path, String body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", contentType);
    return send(request);
  }

  HttpResponse<String> post(String path, byte[] body, String contentType) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("content-type", contentType));
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  /**
   * A GET over HTTP/1.1 with extra headers (name, value, ...): there a server still answers a request line or
   * header it found too large, where HTTP/2 ends the connection.
   */
  HttpResponse<String> getHttp1(String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .version(HttpClient.Version.HTTP_1_1).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    if (token != null) {
      request.header("authorization", "Bearer " + token);
    }
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a call that must fail, and returns its status. */
  static Status failure(Supplier<?> call) {
    try {
      call.get();
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    return Assertions.fail("expected the call to fail");
  }
}
