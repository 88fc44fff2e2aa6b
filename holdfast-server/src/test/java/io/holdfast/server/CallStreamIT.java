package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.CallStreamGrpc;
import io.holdfast.api.v1.KeepAliveRequest;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.api.v1.StreamCall;
import io.holdfast.api.v1.StreamReply;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The busy calls over one CallStream: the unary semantics per call, refusals that keep it open, shutdown. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
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

  /** One raw stream: each call waits for the reply with its id. */
  private static final class Replies implements StreamObserver<StreamReply> {
    final Map<Long, CompletableFuture<StreamReply>> waiting = new ConcurrentHashMap<>();
    final CompletableFuture<Status.Code> ended = new CompletableFuture<>();
    final StreamObserver<StreamCall> requests;

    Replies(HoldfastServer server) {
      requests = com.linecorp.armeria.client.grpc.GrpcClients.builder("http://127.0.0.1:" + server.port())
          .responseTimeout(Duration.ZERO).build(CallStreamGrpc.CallStreamStub.class).calls(this);
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
