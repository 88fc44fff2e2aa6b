package io.holdfast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a closed loop on N platform threads for a fixed window: each thread calls its body again as soon as the
 * last call returned, until the window closes. All threads start together; the window opens when the last one
 * is ready, so thread start-up is not measured.
 */
final class WorkerGroup {
  /** One iteration of a worker; throws to count an error (the worker pauses 1 ms and goes on). */
  interface Body {
    void iterate(int worker, WorkerStats stats) throws Exception;
  }

  private WorkerGroup() { }

  static List<WorkerStats> run(String name, int workers, Duration window, Body body) throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(workers);
    CountDownLatch go = new CountDownLatch(1);
    List<WorkerStats> stats = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      WorkerStats mine = new WorkerStats();
      stats.add(mine);
      int index = i;
      Thread thread = new Thread(() -> loop(index, mine, body, ready, go), name + "-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    ready.await();
    long deadline = System.nanoTime() + window.toNanos();
    stats.forEach(s -> s.deadline = deadline);
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    return stats;
  }

  private static void loop(int index, WorkerStats stats, Body body, CountDownLatch ready, CountDownLatch go) {
    ready.countDown();
    try {
      go.await();
      while (System.nanoTime() - stats.deadline < 0) {
        try {
          body.iterate(index, stats);
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          stats.failed(e);
          Thread.sleep(1);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
