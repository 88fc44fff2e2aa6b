package io.holdfast.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.LockServiceGrpc;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.api.v1.ReleaseResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A server without CallStream (an older release) still serves the client, through the unary calls. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnaryFallbackTest {
  private final AtomicInteger unaryCalls = new AtomicInteger();

  @Test
  void serverWithoutCallStream_acquireAndReleaseGoUnary() {
    assertThat(FakeServer.acquireAndRelease("old-server", new Locks())).isEqualTo(7L);
    assertThat(unaryCalls.get()).isEqualTo(2);
  }

  /* Grants every acquire with token 7 and accepts every release, counting the calls. */
  private final class Locks extends LockServiceGrpc.LockServiceImplBase {
    @Override
    public void tryAcquire(AcquireRequest request, StreamObserver<AcquireResponse> observer) {
      unaryCalls.incrementAndGet();
      observer.onNext(AcquireResponse.newBuilder().setAcquired(true).setFencingToken(7).setHoldCount(1).build());
      observer.onCompleted();
    }

    @Override
    public void release(ReleaseRequest request, StreamObserver<ReleaseResponse> observer) {
      unaryCalls.incrementAndGet();
      observer.onNext(ReleaseResponse.getDefaultInstance());
      observer.onCompleted();
    }
  }
}
