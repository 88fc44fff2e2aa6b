package io.holdfast.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.CallStreamGrpc;
import io.holdfast.api.v1.KeepAliveResponse;
import io.holdfast.api.v1.ReleaseResponse;
import io.holdfast.api.v1.StreamCall;
import io.holdfast.api.v1.StreamReply;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A call stream that fails with a call in flight: the call is repeated on a new stream. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamFailureTest {
  private final AtomicInteger streams = new AtomicInteger();

  @Test
  void streamFailsWithCallInFlight_callIsRepeatedOnANewStream() {
    assertThat(FakeServer.acquireAndRelease("flaky", new FirstStreamFails())).isEqualTo(7L);
    assertThat(streams.get()).isEqualTo(2);
  }

  /* The first stream ends UNAVAILABLE at its first call, unanswered; later ones answer every call. */
  private final class FirstStreamFails extends CallStreamGrpc.CallStreamImplBase {
    @Override
    public StreamObserver<StreamCall> calls(StreamObserver<StreamReply> replies) {
      boolean failing = streams.incrementAndGet() == 1;
      return new StreamObserver<>() {
        private boolean ended;

        @Override
        public synchronized void onNext(StreamCall call) {
          if (ended) {
            return;
          }
          if (failing) {
            ended = true;
            replies.onError(Status.UNAVAILABLE.withDescription("instance going away").asRuntimeException());
            return;
          }
          replies.onNext(answer(call));
        }

        @Override
        public void onError(Throwable failure) {
          // The client went away.
        }

        @Override
        public synchronized void onCompleted() {
          if (!ended) {
            ended = true;
            replies.onCompleted();
          }
        }
      };
    }

    private StreamReply answer(StreamCall call) {
      StreamReply.Builder reply = StreamReply.newBuilder().setCallId(call.getCallId());
      return switch (call.getCallCase()) {
        case TRY_ACQUIRE -> reply.setAcquired(AcquireResponse.newBuilder().setAcquired(true).setFencingToken(7)
            .setHoldCount(1)).build();
        case RELEASE -> reply.setReleased(ReleaseResponse.getDefaultInstance()).build();
        default -> reply.setKeptAlive(KeepAliveResponse.newBuilder().setTtlMs(30_000)).build();
      };
    }
  }
}
