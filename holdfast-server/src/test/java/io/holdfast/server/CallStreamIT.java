package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.CallStreamGrpc;
import io.holdfast.api.v1.InspectRequest;
import io.holdfast.api.v1.KeepAliveRequest;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.api.v1.StreamCall;
import io.holdfast.api.v1.StreamReply;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The busy calls over one CallStream: the unary semantics per call, refusals that keep it open, shutdown. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CallStreamIT {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static ServerConfig config() {
    return ServerConfig.builder().port(0).redis(URI.create(redis.uri())).maxMessageBytes(1_024)
        .shutdownGrace(Duration.ofSeconds(1)).build();
  }

  @Test
  void calls_answerByCallId_andARefusalKeepsTheStreamOpen() throws Exception {
    try (HoldfastServer server = HoldfastServer.start(config())) {
      String session = new TestStubs(server, null).openSession(30_000);
      String name = "stream/" + UUID.randomUUID();
      Replies stream = new Replies(server);

      StreamReply granted = stream.call(StreamCall.newBuilder().setCallId(1).setTryAcquire(
          AcquireRequest.newBuilder().setSessionId(session).setName(name).setLeaseTtlMs(10_000)));
      assertThat(granted.getCallId()).isEqualTo(1);
      assertThat(granted.getAcquired().getAcquired()).isTrue();
      long token = granted.getAcquired().getFencingToken();

      StreamReply refused = stream.call(StreamCall.newBuilder().setCallId(2).setRelease(
          ReleaseRequest.newBuilder().setSessionId(session).setName(name).setFencingToken(token + 1)));
      assertThat(refused.getError().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
      assertThat(refused.getError().getDetails(0).unpack(ErrorInfo.class).getReason()).isEqualTo("NOT_OWNER");

      StreamReply empty = stream.call(StreamCall.newBuilder().setCallId(3));
      assertThat(empty.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());

      StreamReply released = stream.call(StreamCall.newBuilder().setCallId(4).setRelease(
          ReleaseRequest.newBuilder().setSessionId(session).setName(name).setFencingToken(token)));
      assertThat(released.hasReleased()).isTrue();
      assertThat(released.getReleased().getRemainingHolds()).isZero();
      stream.requests.onCompleted();
      assertThat(stream.ended.get(10, TimeUnit.SECONDS)).isEqualTo(Status.Code.OK);
    }
  }

  @Test
  void stream_carriesMoreThanTheWholeRequestLimit() throws Exception {
    try (HoldfastServer server = HoldfastServer.start(config())) {
      String session = new TestStubs(server, null).openSession(30_000);
      Replies stream = new Replies(server);
      // 4 x max-message-bytes bounds one unary request; a stream carries a client's calls for its whole life.
      for (int id = 1; id <= 200; id++) {
        StreamReply reply = stream.call(StreamCall.newBuilder().setCallId(id).setKeepAlive(
            KeepAliveRequest.newBuilder().setSessionId(session)));
        assertThat(reply.getKeptAlive().getTtlMs()).isEqualTo(30_000);
      }
    }
  }

  @Test
  void batchedCalls_areEachAnswered_andTheServerAnnouncesItTakesThem() throws Exception {
    try (HoldfastServer server = HoldfastServer.start(config())) {
      String session = new TestStubs(server, null).openSession(30_000);
      Replies stream = new Replies(server);
      StreamCall.Builder first = StreamCall.newBuilder().setCallId(1).setKeepAlive(
          KeepAliveRequest.newBuilder().setSessionId(session));
      for (int id = 2; id <= 4; id++) {
        first.addBatch(StreamCall.newBuilder().setCallId(id).setKeepAlive(
            KeepAliveRequest.newBuilder().setSessionId(session)));
      }
      first.addBatch(StreamCall.newBuilder().setCallId(5).addBatch(StreamCall.newBuilder().setCallId(6)));
      Map<Long, CompletableFuture<StreamReply>> answers = new java.util.HashMap<>();
      for (long id = 1; id <= 6; id++) {
        CompletableFuture<StreamReply> answer = new CompletableFuture<>();
        stream.waiting.put(id, answer);
        answers.put(id, answer);
      }

      stream.requests.onNext(first.build());

      for (long id = 1; id <= 4; id++) {
        assertThat(answers.get(id).get(10, TimeUnit.SECONDS).getKeptAlive().getTtlMs()).isEqualTo(30_000);
      }
      assertThat(answers.get(5L).get(10, TimeUnit.SECONDS).getError().getCode())
          .as("a nested batch is refused, not dropped").isEqualTo(Status.Code.INVALID_ARGUMENT.value());
      assertThat(answers.get(6L)).as("inside the refused call: never run").isNotDone();
      assertThat(stream.batchHeader.get(10, TimeUnit.SECONDS)).isEqualTo("1");
    }
  }

  @Test
  void shutdown_endsTheStreamAborted() throws Exception {
    Replies stream;
    try (HoldfastServer server = HoldfastServer.start(config())) {
      String session = new TestStubs(server, null).openSession(30_000);
      stream = new Replies(server);
      stream.call(StreamCall.newBuilder().setCallId(1).setKeepAlive(KeepAliveRequest.newBuilder()
          .setSessionId(session)));
    }
    assertThat(stream.ended.get(10, TimeUnit.SECONDS)).isEqualTo(Status.Code.ABORTED);
  }

  @Test
  void waitingAcquire_throughTheClient_waitsInTheServerWithoutAWatchAndIsGrantedOnRelease() throws Exception {
    try (HoldfastServer server = HoldfastServer.start(config());
        Holdfast holder = Holdfast.connect(server.uri().toString());
        Holdfast waiter = Holdfast.connect(server.uri().toString())) {
      String name = "stream/" + UUID.randomUUID();
      Lease held = holder.tryAcquire(io.holdfast.AcquireRequest.of(name, Duration.ofSeconds(30))
          .withWait(Duration.ZERO)).orElseThrow();
      CompletableFuture<Optional<Lease>> waiting = waiter.tryAcquireAsync(
          io.holdfast.AcquireRequest.of(name, Duration.ofSeconds(30)).withWait(Duration.ofSeconds(30)));
      await().atMost(Duration.ofSeconds(40)).ignoreExceptionsInstanceOf(java.io.IOException.class)
          .until(() -> gauge(server, "holdfast_server_waiters") == 1);
      assertThat(gauge(server, "holdfast_server_watchers")).as("no Watch stream: the server waits").isZero();
      held.release();
      Lease granted = waiting.get(10, TimeUnit.SECONDS).orElseThrow();
      assertThat(granted.fencingToken().value()).isGreaterThan(held.fencingToken().value());
      assertThat(gauge(server, "holdfast_server_watchers")).isZero();
      granted.release();
    }
  }

  @Test
  void waitedGrant_leaseValidity_countsFromTheGrantNotFromTheCall() throws Exception {
    try (HoldfastServer server = HoldfastServer.start(config());
        Holdfast holder = Holdfast.connect(server.uri().toString());
        Holdfast waiter = Holdfast.connect(server.uri().toString())) {
      String name = "stream/" + UUID.randomUUID();
      Lease held = holder.tryAcquire(io.holdfast.AcquireRequest.of(name, Duration.ofSeconds(30))
          .withWait(Duration.ZERO)).orElseThrow();
      Duration ttl = Duration.ofSeconds(4);
      CompletableFuture<Optional<Lease>> waiting = waiter.tryAcquireAsync(
          io.holdfast.AcquireRequest.of(name, ttl).withWait(Duration.ofSeconds(30)).withoutAutoRenew());
      Thread.sleep(ttl.plusSeconds(1).toMillis()); // the holder keeps it longer than the waiter's TTL
      held.release();
      Lease granted = waiting.get(10, TimeUnit.SECONDS).orElseThrow();
      // Counted from the call's send, the lease would have been over before it was granted; counted from the
      // send plus the server's reported wait, it is valid for about its TTL after the grant.
      assertThat(granted.isValid()).isTrue();
      assertThat(granted.remainingValidity()).isPositive();
      granted.release();
    }
  }

  @Test
  void streamEnds_whileItsAcquireWaits_theLaterReleaseGrantsNobody() throws Exception {
    try (HoldfastServer server = HoldfastServer.start(config())) {
      TestStubs stubs = new TestStubs(server, null);
      String holderSession = stubs.openSession(30_000);
      String waiterSession = stubs.openSession(30_000);
      String name = "stream/" + UUID.randomUUID();
      Replies holder = new Replies(server);
      long token = holder.call(StreamCall.newBuilder().setCallId(1).setTryAcquire(AcquireRequest.newBuilder()
          .setSessionId(holderSession).setName(name).setLeaseTtlMs(30_000))).getAcquired().getFencingToken();
      Replies waiter = new Replies(server);
      waiter.requests.onNext(StreamCall.newBuilder().setCallId(1).setTryAcquire(AcquireRequest.newBuilder()
          .setSessionId(waiterSession).setName(name).setLeaseTtlMs(30_000).setWaitTimeoutMs(30_000)).build());
      await().atMost(Duration.ofSeconds(40)).ignoreExceptionsInstanceOf(java.io.IOException.class)
          .until(() -> gauge(server, "holdfast_server_waiters") == 1);
      waiter.requests.onError(Status.CANCELLED.asRuntimeException()); // the client goes: its stream ends
      await().atMost(Duration.ofSeconds(40)).ignoreExceptionsInstanceOf(java.io.IOException.class)
          .until(() -> gauge(server, "holdfast_server_waiters") == 0);
      holder.call(StreamCall.newBuilder().setCallId(2).setRelease(ReleaseRequest.newBuilder()
          .setSessionId(holderSession).setName(name).setFencingToken(token)));
      assertThat(stubs.locks.inspect(InspectRequest.newBuilder().setName(name).build()).getHeld()).as("nobody holds it: the departed wait was not granted").isFalse();
    }
  }

  @Test
  void cancel_ofAWaitingAcquire_answersItCancelledAndTheLaterReleaseGrantsNobody() throws Exception {
    try (HoldfastServer server = HoldfastServer.start(config())) {
      TestStubs stubs = new TestStubs(server, null);
      String holderSession = stubs.openSession(30_000);
      String waiterSession = stubs.openSession(30_000);
      String name = "stream/" + UUID.randomUUID();
      Replies stream = new Replies(server);
      long token = stream.call(StreamCall.newBuilder().setCallId(1).setTryAcquire(AcquireRequest.newBuilder()
          .setSessionId(holderSession).setName(name).setLeaseTtlMs(30_000))).getAcquired().getFencingToken();
      CompletableFuture<StreamReply> waiting = new CompletableFuture<>();
      stream.waiting.put(2L, waiting);
      stream.requests.onNext(StreamCall.newBuilder().setCallId(2).setTryAcquire(AcquireRequest.newBuilder()
          .setSessionId(waiterSession).setName(name).setLeaseTtlMs(30_000).setWaitTimeoutMs(30_000)).build());
      await().atMost(Duration.ofSeconds(40)).ignoreExceptionsInstanceOf(java.io.IOException.class)
          .until(() -> gauge(server, "holdfast_server_waiters") == 1);
      stream.requests.onNext(StreamCall.newBuilder().setCallId(3).setCancel(2).build());
      assertThat(waiting.get(10, TimeUnit.SECONDS).getError().getCode()).isEqualTo(Status.Code.CANCELLED.value());
      stream.call(StreamCall.newBuilder().setCallId(4).setRelease(ReleaseRequest.newBuilder()
          .setSessionId(holderSession).setName(name).setFencingToken(token)));
      assertThat(stubs.locks.inspect(InspectRequest.newBuilder().setName(name).build()).getHeld()).isFalse();
      assertThat(stream.ended).as("the stream stays open").isNotDone();
    }
  }

  @Test
  void cancelledAcquire_throughTheClient_endsItsWaitInTheServer() throws Exception {
    try (HoldfastServer server = HoldfastServer.start(config());
        Holdfast holder = Holdfast.connect(server.uri().toString());
        Holdfast waiter = Holdfast.connect(server.uri().toString())) {
      String name = "stream/" + UUID.randomUUID();
      Lease held = holder.tryAcquire(io.holdfast.AcquireRequest.of(name, Duration.ofSeconds(30))
          .withWait(Duration.ZERO)).orElseThrow();
      CompletableFuture<Optional<Lease>> waiting = waiter.tryAcquireAsync(
          io.holdfast.AcquireRequest.of(name, Duration.ofSeconds(30)).withWait(Duration.ofSeconds(60)));
      await().atMost(Duration.ofSeconds(40)).ignoreExceptionsInstanceOf(java.io.IOException.class)
          .until(() -> gauge(server, "holdfast_server_waiters") == 1);
      waiting.cancel(true);
      // Well before the server's own end of that wait (60 s): the client told it.
      await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(java.io.IOException.class)
          .until(() -> gauge(server, "holdfast_server_waiters") == 0);
      held.release();
      assertThat(holder.inspect(name)).as("the abandoned wait was not granted").isEmpty();
    }
  }

  /*
   * Polled with Awaitility, which skips an IOException: the JDK client reuses a kept-alive connection that the server
   * may have just closed as idle, and then reports "EOF reached while reading" for that one poll.
   */
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static double gauge(HoldfastServer server, String name) throws Exception {
    HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    return metrics.body().lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in /metrics"));
  }

  /** One raw stream: each call waits for the reply with its id. */
  private static final class Replies implements StreamObserver<StreamReply> {
    final Map<Long, CompletableFuture<StreamReply>> waiting = new ConcurrentHashMap<>();
    final CompletableFuture<Status.Code> ended = new CompletableFuture<>();
    final StreamObserver<StreamCall> requests;

    final CompletableFuture<String> batchHeader = new CompletableFuture<>();

    Replies(HoldfastServer server) {
      requests = com.linecorp.armeria.client.grpc.GrpcClients.builder("http://127.0.0.1:" + server.port())
          .responseTimeout(Duration.ZERO).decorator((delegate, ctx, req) -> {
            ctx.log().whenAvailable(com.linecorp.armeria.common.logging.RequestLogProperty.RESPONSE_HEADERS)
                .thenAccept(log -> batchHeader.complete(log.responseHeaders().get("holdfast-batch", "absent")));
            return delegate.execute(ctx, req);
          }).build(CallStreamGrpc.CallStreamStub.class).calls(this);
    }

    StreamReply call(StreamCall.Builder call) throws Exception {
      CompletableFuture<StreamReply> reply = new CompletableFuture<>();
      waiting.put(call.getCallId(), reply);
      requests.onNext(call.build());
      return reply.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void onNext(StreamReply reply) {
      waiting.remove(reply.getCallId()).complete(reply);
    }

    @Override
    public void onError(Throwable failure) {
      ended.complete(Status.fromThrowable(failure).getCode());
    }

    @Override
    public void onCompleted() {
      ended.complete(Status.Code.OK);
    }
  }
}
