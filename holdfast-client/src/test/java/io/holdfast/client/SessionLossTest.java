package io.holdfast.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import com.linecorp.armeria.server.Server;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LeaseLostException;
import io.holdfast.LeaseLostReason;
import io.holdfast.api.v1.KeepAliveRequest;
import io.holdfast.api.v1.KeepAliveResponse;
import io.holdfast.api.v1.LockServiceGrpc;
import io.holdfast.api.v1.OpenSessionRequest;
import io.holdfast.api.v1.Session;
import io.holdfast.api.v1.SessionServiceGrpc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The service says the client's session expired: the leases granted in it are reported lost with reason
 * SESSION_LOST (not NOT_OWNER, not UNCONFIRMED), their release fails with LeaseLostException, and the next
 * acquire opens a new session; a lease the keep-alive answers not renewed is lost NOT_OWNER, in a session kept.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionLossTest {
  private final AtomicInteger opened = new AtomicInteger();
  private final List<String> acquiredIn = new CopyOnWriteArrayList<>();
  private final AtomicBoolean notRenewed = new AtomicBoolean();

  @Test
  void keepAliveAnswersSessionExpired_leaseLostWithSessionLost_andNextAcquireUsesANewSession() {
    Server server = FakeServer.start(new FirstSessionExpires(), new Locks());
    AtomicReference<LeaseLostReason> lost = new AtomicReference<>();
    // Renewal at a tenth of the 30 s lease: the service's answer arrives long before the lease's own deadline.
    HoldfastOptions options = HoldfastOptions.builder().backend("holdfast://127.0.0.1:" + server.activeLocalPort())
        .renewalFraction(0.1).build();
    try (Holdfast holdfast = Holdfast.connect(options)) {
      Lease lease = holdfast.acquire(AcquireRequest.of("in-s1", Duration.ofSeconds(30))
          .onLeaseLost((which, reason) -> lost.set(reason)));

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(lost.get()).isEqualTo(LeaseLostReason.SESSION_LOST));
      assertThat(lease.isValid()).isFalse();
      assertThatThrownBy(lease::release).isInstanceOf(LeaseLostException.class);

      holdfast.tryAcquire("in-s2", Duration.ofSeconds(30), Duration.ZERO).orElseThrow().release();
      assertThat(acquiredIn).containsExactly("s1", "s2");
    } finally {
      server.stop().join();
    }
  }

  @Test
  void keepAliveAnswersLeaseNotRenewed_leaseLostWithNotOwner_andTheSessionKept() {
    notRenewed.set(true);
    Server server = FakeServer.start(new FirstSessionExpires(), new Locks());
    AtomicReference<LeaseLostReason> lost = new AtomicReference<>();
    HoldfastOptions options = HoldfastOptions.builder().backend("holdfast://127.0.0.1:" + server.activeLocalPort())
        .renewalFraction(0.1).build();
    try (Holdfast holdfast = Holdfast.connect(options)) {
      holdfast.acquire(AcquireRequest.of("taken-over", Duration.ofSeconds(30))
          .onLeaseLost((which, reason) -> lost.set(reason)));

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(lost.get()).isEqualTo(LeaseLostReason.NOT_OWNER));

      holdfast.tryAcquire("next", Duration.ofSeconds(30), Duration.ZERO).orElseThrow();
      assertThat(acquiredIn).as("the session itself is fine").containsExactly("s1", "s1");
    } finally {
      server.stop().join();
    }
  }

  /*
   * Opens s1, s2, ...; once a lock was granted in s1, its keep-alives are refused as for an expired session, or
   * (notRenewed) answered with every listed lease not renewed, as when another owner holds the lock now.
   */
  private final class FirstSessionExpires extends SessionServiceGrpc.SessionServiceImplBase {
    @Override
    public void openSession(OpenSessionRequest request, StreamObserver<Session> observer) {
      observer.onNext(Session.newBuilder().setSessionId("s" + opened.incrementAndGet()).setTtlMs(300).build());
      observer.onCompleted();
    }

    @Override
    public void keepAlive(KeepAliveRequest request, StreamObserver<KeepAliveResponse> observer) {
      if (request.getSessionId().equals("s1") && acquiredIn.contains("s1") && !notRenewed.get()) {
        observer.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.FAILED_PRECONDITION.value()).setMessage("session s1 has expired")
            .addDetails(Any.pack(ErrorInfo.newBuilder().setDomain("holdfast.io").setReason("SESSION_EXPIRED")
                .putMetadata("error_code", "LEASE_LOST").build())).build()));
        return;
      }
      KeepAliveResponse.Builder reply = KeepAliveResponse.newBuilder().setTtlMs(300);
      request.getRenewalsList().forEach(renewal -> reply.addRenewed(!notRenewed.get()));
      observer.onNext(reply.build());
      observer.onCompleted();
    }
  }

  /* Grants every acquire (token = number of grants), noting its session; accepts every release. */
  private final class Locks extends LockServiceGrpc.LockServiceImplBase {
    @Override
    public void tryAcquire(io.holdfast.api.v1.AcquireRequest request,
        StreamObserver<io.holdfast.api.v1.AcquireResponse> observer) {
      acquiredIn.add(request.getSessionId());
      observer.onNext(io.holdfast.api.v1.AcquireResponse.newBuilder().setAcquired(true)
          .setFencingToken(acquiredIn.size()).setHoldCount(1).build());
      observer.onCompleted();
    }

    @Override
    public void release(io.holdfast.api.v1.ReleaseRequest request,
        StreamObserver<io.holdfast.api.v1.ReleaseResponse> observer) {
      observer.onNext(io.holdfast.api.v1.ReleaseResponse.getDefaultInstance());
      observer.onCompleted();
    }
  }
}
