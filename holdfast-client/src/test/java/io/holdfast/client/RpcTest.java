package io.holdfast.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.holdfast.BackendUnavailableException;
import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LeaseLostException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** How the client reads the service's answers: the table in docs/server.md ("Errors"), read backwards. */
class RpcTest {

  /** A refusal as the server sends it: the status plus an ErrorInfo naming the reason and the ErrorCode. */
  private static StatusRuntimeException refusal(Status.Code code, String reason, ErrorCode errorCode) {
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder().setCode(code.value())
        .setMessage("refused: " + reason).addDetails(Any.pack(ErrorInfo.newBuilder().setDomain("holdfast.io")
            .setReason(reason).putMetadata("error_code", errorCode.name()).build())).build());
  }

  @ParameterizedTest(name = "{0} ({1}) -> {2}")
  @CsvSource({
      "INVALID_ARGUMENT, BAD_REQUEST, INVALID_ARGUMENT",
      "RESOURCE_EXHAUSTED, BAD_REQUEST, INVALID_ARGUMENT",
      "FAILED_PRECONDITION, NOT_OWNER, LEASE_LOST",
      "FAILED_PRECONDITION, SESSION_EXPIRED, LEASE_LOST",
      "UNAVAILABLE, REDIS_UNAVAILABLE, UNAVAILABLE",
      "ABORTED, SHUTTING_DOWN, UNAVAILABLE",
      "PERMISSION_DENIED, FORBIDDEN, PERMISSION_DENIED",
      "UNAUTHENTICATED, UNAUTHENTICATED, PERMISSION_DENIED",
      "CANCELLED, CANCELLED, INTERRUPTED",
      "INTERNAL, INTERNAL_ERROR, INTERNAL",
      "ABORTED, DEADLOCK, DEADLOCK",
  })
  void toHoldfast_serverRefusal_errorCodeAsDocumented(Status.Code code, String reason, ErrorCode expected) {
    RuntimeException mapped = Rpc.toHoldfast(refusal(code, reason, expected), "acquire of lock 'a'");

    assertThat(mapped).isInstanceOf(HoldfastException.class);
    assertThat(((HoldfastException) mapped).code()).isEqualTo(expected);
    assertThat(mapped.getMessage()).startsWith("acquire of lock 'a' failed: ");
  }

  @Test
  void toHoldfast_subtypeAgreesWithErrorCode() {
    assertThat(Rpc.toHoldfast(refusal(Status.Code.INVALID_ARGUMENT, "BAD_REQUEST", ErrorCode.INVALID_ARGUMENT), "x"))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(Rpc.toHoldfast(refusal(Status.Code.FAILED_PRECONDITION, "NOT_OWNER", ErrorCode.LEASE_LOST), "x"))
        .isInstanceOf(LeaseLostException.class);
    assertThat(Rpc.toHoldfast(refusal(Status.Code.UNAVAILABLE, "REDIS_UNAVAILABLE", ErrorCode.UNAVAILABLE), "x"))
        .isInstanceOf(BackendUnavailableException.class);
  }

  @Test
  void toHoldfast_wrappedInFutureExceptions_readsTheCause() {
    StatusRuntimeException refused = refusal(Status.Code.FAILED_PRECONDITION, "NOT_OWNER", ErrorCode.LEASE_LOST);
    Throwable wrapped = new CompletionException(new ExecutionException(refused));

    assertThat(Rpc.toHoldfast(wrapped, "release")).isInstanceOf(LeaseLostException.class);
    assertThat(Rpc.reason(wrapped)).isEqualTo("NOT_OWNER");
  }

  @Test
  void toHoldfast_holdfastExceptionAlready_passesThroughUnchanged() {
    HoldfastException own = new HoldfastException(ErrorCode.CLOSED, "client closed");

    assertThat(Rpc.toHoldfast(new CompletionException(own), "acquire")).isSameAs(own);
  }

  @Test
  void reason_statusWithoutErrorInfo_isEmpty() {
    assertThat(Rpc.reason(Status.FAILED_PRECONDITION.asRuntimeException())).isEmpty();
    assertThat(Rpc.reason(new IOException("reset"))).isEmpty();
  }

  @Test
  void isSessionLoss_onlyForSessionExpiredOrUnknown() {
    assertThat(Rpc.isSessionLoss(refusal(Status.Code.FAILED_PRECONDITION, "SESSION_EXPIRED", ErrorCode.LEASE_LOST)))
        .isTrue();
    assertThat(Rpc.isSessionLoss(refusal(Status.Code.FAILED_PRECONDITION, "SESSION_UNKNOWN", ErrorCode.LEASE_LOST)))
        .isTrue();
    assertThat(Rpc.isSessionLoss(refusal(Status.Code.FAILED_PRECONDITION, "NOT_OWNER", ErrorCode.LEASE_LOST)))
        .isFalse();
    assertThat(Rpc.isNotOwner(refusal(Status.Code.FAILED_PRECONDITION, "NOT_OWNER", ErrorCode.LEASE_LOST)))
        .isTrue();
  }

  @Test
  void isTransient_retriesWhatMaySucceedElsewhereAndNothingElse() {
    assertThat(Rpc.isTransient(Status.UNAVAILABLE.asRuntimeException())).isTrue();
    assertThat(Rpc.isTransient(Status.ABORTED.asRuntimeException())).isTrue();
    assertThat(Rpc.isTransient(Status.DEADLINE_EXCEEDED.asRuntimeException())).isTrue();
    assertThat(Rpc.isTransient(new IOException("connection reset"))).isTrue();
    assertThat(Rpc.isTransient(Status.FAILED_PRECONDITION.asRuntimeException())).isFalse();
    assertThat(Rpc.isTransient(Status.INVALID_ARGUMENT.asRuntimeException())).isFalse();
    assertThat(Rpc.isTransient(Status.PERMISSION_DENIED.asRuntimeException())).isFalse();
    assertThat(Rpc.isTransient(new HoldfastException(ErrorCode.UNAVAILABLE, "down"))).isTrue();
    assertThat(Rpc.isTransient(new HoldfastException(ErrorCode.INTERNAL, "bug"))).isFalse();
  }

  @Test
  void call_serverCompletesWithoutAReply_failsInternal() {
    CompletableFuture<String> result = Rpc.call((String request, io.grpc.stub.StreamObserver<String> observer) ->
        observer.onCompleted(), "request");

    assertThat(result).isCompletedExceptionally();
    assertThat(result.handle((ok, failure) -> ((HoldfastException) failure).code()).join())
        .isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  void toHoldfast_deadlock_isDeadlockExceptionWithTheCycleAndNotTransient() {
    StatusRuntimeException refused = StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.ABORTED.value()).setMessage("would deadlock").addDetails(Any.pack(ErrorInfo.newBuilder()
            .setDomain("holdfast.io").setReason("DEADLOCK").putMetadata("error_code", "DEADLOCK")
            .putMetadata("cycle_length", "2").putMetadata("cycle_owner_0", "s1 b").putMetadata("cycle_lock_0", "x")
            .putMetadata("cycle_owner_1", "s2 a").putMetadata("cycle_lock_1", "y").build())).build());

    assertThat(Rpc.isTransient(refused)).as("repeating it closes the same cycle").isFalse();
    assertThat(Rpc.toHoldfast(refused, "acquire of lock 'x'")).isInstanceOfSatisfying(
        io.holdfast.DeadlockException.class, e -> assertThat(e.cycle().steps()).containsExactly(
            new io.holdfast.WaitCycle.Step("s1 b", "x"), new io.holdfast.WaitCycle.Step("s2 a", "y")));
  }
}
