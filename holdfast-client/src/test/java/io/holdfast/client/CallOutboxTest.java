package io.holdfast.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.KeepAliveRequest;
import io.holdfast.api.v1.StreamCall;
import io.holdfast.api.v1.WireBatching;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The request side of a call stream, driven by hand: an event loop that runs its tasks only when told, so that
 * which calls are made together is decided by the test, not by timing.
 */
class CallOutboxTest {
  private final Queue<Runnable> loopTasks = new ArrayDeque<>();
  private final Recorder written = new Recorder();
  private final AtomicBoolean serverBatches = new AtomicBoolean();
  private final CallOutbox outbox = new CallOutbox(written, () -> loopTasks::add, serverBatches::get);

  @Test
  void write_beforeTheServerTakesBatches_sendsEachCallAtOnce() {
    outbox.write(keepAlive(1));
    outbox.write(keepAlive(2));

    assertThat(loopTasks).isEmpty();
    assertThat(written.messages).hasSize(2);
    assertThat(written.messages).allSatisfy(message -> assertThat(message.getBatchList()).isEmpty());
  }

  @Test
  void write_callsMadeTogether_leaveInOneMessageOnceTheServerTakesBatches() {
    serverBatches.set(true);
    outbox.write(keepAlive(1));
    outbox.write(keepAlive(2));
    outbox.write(keepAlive(3));
    assertThat(written.messages).as("queued for the loop").isEmpty();
    assertThat(loopTasks).as("one drain").hasSize(1);

    runLoop();

    assertThat(written.messages).hasSize(1);
    assertThat(written.callIds()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void write_moreCallsThanOneMessageTakes_splitsThemAndLosesNone() {
    serverBatches.set(true);
    int calls = WireBatching.MAX_PER_MESSAGE + 10;
    LongStream.rangeClosed(1, calls).forEach(id -> outbox.write(keepAlive(id)));
    runLoop();

    assertThat(written.messages).hasSize(2);
    assertThat(written.callIds()).containsExactlyElementsOf(LongStream.rangeClosed(1, calls).boxed().toList());
  }

  @Test
  void cancel_afterAQueuedCall_neverOvertakesIt() {
    serverBatches.set(true);
    outbox.write(keepAlive(1));
    outbox.write(StreamCall.newBuilder().setCallId(2).setCancel(1).build());
    runLoop();

    assertThat(written.callIds()).containsExactly(1L, 2L);
  }

  @Test
  void halfClose_withCallsQueued_comesAfterThem() {
    serverBatches.set(true);
    outbox.write(keepAlive(1));
    outbox.halfClose();
    assertThat(written.completed).isFalse();

    runLoop();

    assertThat(written.callIds()).containsExactly(1L);
    assertThat(written.completed).isTrue();
  }

  @Test
  void halfClose_withNothingQueued_isAtOnce() {
    outbox.halfClose();

    assertThat(written.completed).isTrue();
  }

  @Test
  void write_beforeTheStreamHasItsEventLoop_sendsAtOnceAndQueuesOnceItHasOne() {
    java.util.concurrent.atomic.AtomicBoolean connected = new java.util.concurrent.atomic.AtomicBoolean();
    CallOutbox outbox = new CallOutbox(written, () -> {
      if (!connected.get()) {
        throw new IllegalStateException("Should call init(endpoint) before invoking this method.");
      }
      return loopTasks::add;
    }, () -> true);
    outbox.write(keepAlive(1));
    assertThat(written.messages).hasSize(1);

    connected.set(true);
    outbox.write(keepAlive(2));
    assertThat(loopTasks).hasSize(1);
    runLoop();
    assertThat(written.callIds()).containsExactly(1L, 2L);
  }

  private static StreamCall keepAlive(long id) {
    return StreamCall.newBuilder().setCallId(id).setKeepAlive(KeepAliveRequest.newBuilder().setSessionId("s1"))
        .build();
  }

  private void runLoop() {
    for (Runnable task; (task = loopTasks.poll()) != null; ) {
      task.run();
    }
  }

  private static final class Recorder implements StreamObserver<StreamCall> {
    final List<StreamCall> messages = new ArrayList<>();
    boolean completed;

    List<Long> callIds() {
      return messages.stream().flatMap(message -> Stream.concat(Stream.of(message), message.getBatchList().stream()))
          .map(StreamCall::getCallId).toList();
    }

    @Override
    public void onNext(StreamCall call) {
      messages.add(call);
    }

    @Override
    public void onError(Throwable failure) {
      throw new AssertionError("unexpected", failure);
    }

    @Override
    public void onCompleted() {
      completed = true;
    }
  }
}
