package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The command lane against Netty's write rule, modelled on a real event loop: a write issued on the loop runs at
 * once, one issued from any other thread is queued as a task on the loop. That rule is what let an undo overtake
 * its own acquire on an independent master.
 */
class CommandLaneTest {
  private final EventLoop loop = new DefaultEventLoop();
  private final ExecutorService other = Executors.newSingleThreadExecutor();
  private final List<String> written = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    other.shutdownNow();
  }

  /** What Lettuce's async call does with a command: Netty's channel.write. */
  private CompletableFuture<String> write(String command) {
    CompletableFuture<String> reply = new CompletableFuture<>();
    Runnable write = () -> {
      written.add(command);
      reply.complete(command);
    };
    if (loop.inEventLoop()) {
      write.run();
    } else {
      loop.execute(write);
    }
    return reply;
  }

  /**
   * The loop is held busy, an application thread issues the acquire (queued behind the busy task), then the loop
   * itself issues the undo: the order Redlock needs is acquire, undo.
   */
  private List<String> acquireFromAThreadThenUndoFromTheLoop(Supplier<CommandLane> lane) throws Exception {
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch acquireIssued = new CountDownLatch(1);
    CommandLane commands = lane.get();
    loop.execute(() -> {
      try {
        busy.countDown();
        acquireIssued.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (commands == null) {
        write("undo");
      } else {
        commands.send(() -> write("undo"));
      }
    });
    busy.await(5, TimeUnit.SECONDS);
    if (commands == null) {
      write("acquire");
    } else {
      commands.send(() -> write("acquire"));
    }
    acquireIssued.countDown();
    awaitTwoWrites();
    return List.copyOf(written);
  }

  private void awaitTwoWrites() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (written.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }

  @Test
  void withoutALane_aCommandIssuedOnTheLoop_overtakesOneIssuedEarlierElsewhere() throws Exception {
    assertThat(acquireFromAThreadThenUndoFromTheLoop(() -> null)).containsExactly("undo", "acquire");
  }

  @Test
  void send_fromTheLoopAfterAnotherThread_keepsTheOrderTheyWereIssued() throws Exception {
    assertThat(acquireFromAThreadThenUndoFromTheLoop(() -> CommandLane.drainingOn(other)))
        .containsExactly("acquire", "undo");
  }

  @Test
  void send_manyFromBothSides_writesEachInIssueOrder() throws Exception {
    CommandLane lane = CommandLane.drainingOn(other);
    List<CompletableFuture<String>> replies = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    // One issuer at a time, alternating between the loop and an application thread, as a Redlock attempt does.
    Runnable[] step = new Runnable[1];
    int[] next = {0};
    step[0] = () -> {
      int i = next[0]++;
      if (i == 200) {
        done.countDown();
        return;
      }
      CompletableFuture<String> reply = lane.send(() -> write("c" + i));
      replies.add(reply);
      if (i % 2 == 0) {
        loop.execute(step[0]);
      } else {
        other.execute(step[0]);
      }
    };
    other.execute(step[0]);
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(written).hasSize(200);
    for (int i = 0; i < 200; i++) {
      assertThat(written.get(i)).isEqualTo("c" + i);
    }
  }

  @Test
  void send_callsThatKeepComing_callerSendsOneBatchAndTheExecutorTheRestInOrder() throws Exception {
    CommandLane lane = CommandLane.drainingOn(other);
    Thread caller = Thread.currentThread();
    List<Integer> order = new CopyOnWriteArrayList<>();
    List<Boolean> onCaller = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> last = new CompletableFuture<>();
    // Each call queues the next while the lane is draining, as callers under load do.
    class Chain {
      void send(int i) {
        lane.send(() -> {
          order.add(i);
          onCaller.add(Thread.currentThread() == caller);
          if (i < 499) {
            send(i + 1);
          } else {
            last.complete(null);
          }
          return CompletableFuture.completedFuture(i);
        });
      }
    }
    new Chain().send(0);
    long sentHere = onCaller.stream().filter(Boolean::booleanValue).count();
    last.get(10, TimeUnit.SECONDS);
    assertThat(sentHere).as("calls the caller sent before its send returned").isLessThanOrEqualTo(32);
    assertThat(order).hasSize(500);
    for (int i = 0; i < 500; i++) {
      assertThat(order.get(i)).isEqualTo(i);
    }
  }

  @Test
  void send_aCallThatThrows_failsItsFutureAndTheLaneGoesOn() throws Exception {
    CommandLane lane = CommandLane.drainingOn(other);
    CompletableFuture<String> broken = lane.send(() -> {
      throw new IllegalStateException("bad call");
    });
    assertThatThrownBy(() -> broken.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(lane.send(() -> write("after")).get(5, TimeUnit.SECONDS)).isEqualTo("after");
  }

  @Test
  void drainingOn_noExecutor_isRefused() {
    assertThatThrownBy(() -> CommandLane.drainingOn(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
