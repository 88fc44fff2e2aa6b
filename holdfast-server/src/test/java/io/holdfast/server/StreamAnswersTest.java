package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.KeepAliveResponse;
import io.holdfast.api.v1.StreamReply;
import io.holdfast.api.v1.WireBatching;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The reply side of a call stream, driven by hand: an event loop that runs its tasks only when told, so that
 * which replies are ready together is decided by the test, not by timing.
 */
class StreamAnswersTest {
  private final Queue<Runnable> loopTasks = new ArrayDeque<>();
  private final Executor loop = loopTasks::add;
  private final Recorder written = new Recorder();

  @Test
  void drain_repliesReadyTogether_leaveInOneMessageForABatchingClient() {
    StreamAnswers answers = new StreamAnswers(written, loop, true);
    answerKeepAlives(answers, 1, 2, 3);

    assertThat(loopTasks).as("one drain for the three replies").hasSize(1);
    runLoop();

    assertThat(written.messages).hasSize(1);
    assertThat(written.callIds()).containsExactly(1L, 2L, 3L);
    assertThat(written.messages.get(0).getBatchList()).allSatisfy(reply -> assertThat(reply.getBatchList()).isEmpty());
  }

  @Test
  void drain_forAClientThatDidNotAsk_sendsOneReplyPerMessage() {
    StreamAnswers answers = new StreamAnswers(written, loop, false);
    answerKeepAlives(answers, 1, 2, 3);
    runLoop();

    assertThat(written.messages).hasSize(3);
    assertThat(written.messages).allSatisfy(message -> assertThat(message.getBatchList()).isEmpty());
    assertThat(written.callIds()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void drain_moreRepliesThanOneMessageTakes_splitsThemAndLosesNone() {
    StreamAnswers answers = new StreamAnswers(written, loop, true);
    int replies = WireBatching.MAX_PER_MESSAGE + 44;
    answerKeepAlives(answers, LongStream.rangeClosed(1, replies).toArray());
    runLoop();

    assertThat(written.messages).hasSize(2);
    assertThat(written.messages.get(0).getBatchCount()).isEqualTo(WireBatching.MAX_PER_MESSAGE - 1);
    assertThat(written.callIds()).containsExactlyElementsOf(LongStream.rangeClosed(1, replies).boxed().toList());
  }

  @Test
  void drain_aLoneReply_isSentAloneAndAReplyAfterTheDrainGetsANewOne() {
    StreamAnswers answers = new StreamAnswers(written, loop, true);
    answerKeepAlives(answers, 1);
    runLoop();
    answerKeepAlives(answers, 2);
    runLoop();

    assertThat(written.messages).hasSize(2);
    assertThat(written.messages).allSatisfy(message -> assertThat(message.getBatchList()).isEmpty());
  }

  @Test
  void halfClose_withRepliesStillQueued_endsTheStreamOnlyAfterTheyAreWritten() {
    StreamAnswers answers = new StreamAnswers(written, loop, true);
    answerKeepAlives(answers, 1, 2);
    answers.halfClosed();
    assertThat(written.completed).as("replies queued: not yet").isFalse();

    runLoop();

    assertThat(written.callIds()).containsExactly(1L, 2L);
    assertThat(written.completed).isTrue();
  }

  @Test
  void cancelledStream_dropsQueuedReplies() {
    StreamAnswers answers = new StreamAnswers(written, loop, true);
    answerKeepAlives(answers, 1, 2);
    answers.cancelled();
    runLoop();

    assertThat(written.messages).isEmpty();
  }

  private static void answerKeepAlives(StreamAnswers answers, long... ids) {
    List<StreamObserver<KeepAliveResponse>> calls = new ArrayList<>();
    for (long id : ids) {
      calls.add(answers.answer(id, StreamReply.Builder::setKeptAlive));
    }
    for (StreamObserver<KeepAliveResponse> call : calls) {
      call.onNext(KeepAliveResponse.newBuilder().setTtlMs(30_000).build());
    }
  }

  private void runLoop() {
    for (Runnable task; (task = loopTasks.poll()) != null; ) {
      task.run();
    }
  }

  private static final class Recorder implements StreamObserver<StreamReply> {
    final List<StreamReply> messages = new ArrayList<>();
    boolean completed;

    List<Long> callIds() {
      return messages.stream().flatMap(message -> Stream.concat(Stream.of(message), message.getBatchList().stream()))
          .map(StreamReply::getCallId).toList();
    }

    @Override
    public void onNext(StreamReply reply) {
      messages.add(reply);
    }

    @Override
    public void onError(Throwable failure) {
      throw new AssertionError("unexpected stream error", failure);
    }

    @Override
    public void onCompleted() {
      completed = true;
    }
  }
}
