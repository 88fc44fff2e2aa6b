package io.holdfast.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.StreamObserver;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.CallStreamGrpc;
import io.holdfast.api.v1.ReleaseResponse;
import io.holdfast.api.v1.StreamCall;
import io.holdfast.api.v1.StreamReply;
import io.holdfast.api.v1.WireBatching;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client asks for batched replies and takes every reply of a batch, each by its own call id. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchedRepliesTest {
  private final CompletableFuture<String> batchHeader = new CompletableFuture<>();

  @Test
  void twoAcquiresAnsweredInOneMessage_bothAreGranted() throws Exception {
    Server server = FakeServer.start(new AnswersInPairs());
    try (Holdfast holdfast = Holdfast.connect("holdfast://127.0.0.1:" + server.activeLocalPort())) {
      CompletableFuture<Optional<Lease>> first = CompletableFuture.supplyAsync(
          () -> holdfast.tryAcquire("batched/a", Duration.ofSeconds(10), Duration.ZERO));
      CompletableFuture<Optional<Lease>> second = CompletableFuture.supplyAsync(
          () -> holdfast.tryAcquire("batched/b", Duration.ofSeconds(10), Duration.ZERO));

      assertThat(first.get(30, TimeUnit.SECONDS)).isPresent();
      assertThat(second.get(30, TimeUnit.SECONDS)).isPresent();
      assertThat(batchHeader.get(1, TimeUnit.SECONDS)).isEqualTo("1");
    } finally {
      server.stop().join();
    }
  }

  /* Holds acquires until two are in, then answers both in one StreamReply; answers anything else at once. */
  private final class AnswersInPairs extends CallStreamGrpc.CallStreamImplBase {
    @Override
    public StreamObserver<StreamCall> calls(StreamObserver<StreamReply> replies) {
      batchHeader.complete(ServiceRequestContext.current().request().headers()
          .get(WireBatching.BATCH_HEADER, "absent"));
      List<StreamReply> held = new ArrayList<>();
      return new StreamObserver<>() {
        @Override
        public synchronized void onNext(StreamCall call) {
          StreamReply.Builder reply = StreamReply.newBuilder().setCallId(call.getCallId());
          switch (call.getCallCase()) {
            case TRY_ACQUIRE -> {
              held.add(reply.setAcquired(AcquireResponse.newBuilder().setAcquired(true)
                  .setFencingToken(call.getCallId()).setHoldCount(1)).build());
              if (held.size() == 2) {
                replies.onNext(held.get(0).toBuilder().addBatch(held.get(1)).build());
                held.clear();
              }
            }
            case RELEASE -> replies.onNext(reply.setReleased(ReleaseResponse.getDefaultInstance()).build());
            default -> { } // nothing else is sent in this test
          }
        }

        @Override
        public void onError(Throwable failure) {
          // The client went away.
        }

        @Override
        public synchronized void onCompleted() {
          replies.onCompleted();
        }
      };
    }
  }
}
