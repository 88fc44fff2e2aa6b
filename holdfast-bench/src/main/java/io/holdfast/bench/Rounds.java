package io.holdfast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one workload variant for every contender, alternating: all fixtures are opened, each contender warms up,
 * then each round gives every contender one measured slice, starting with a different contender each round.
 * Noise from the rest of the machine (other builds, GC, the Redis server's own work) is therefore spread over
 * all contenders instead of landing on whichever ran at a bad moment. Redis command counts are read around
 * every slice, while only that contender runs.
 */
final class Rounds {
  /** Opens a contender's fixture for the variant. */
  interface Opener {
    Fixture open(Contender contender) throws Exception;
  }

  /** Runs one slice of the variant on a fixture. */
  interface Slice {
    SliceResult run(Fixture fixture, Duration window) throws Exception;
  }

  private Rounds() { }

  static Map<String, SliceResult> run(BenchContext context, String label, List<Contender> contenders, Opener opener,
      Slice slice) throws Exception {
    List<Fixture> fixtures = new ArrayList<>();
    try {
      fixtures.addAll(openAll(contenders, opener));
      for (Fixture fixture : fixtures) {
        slice.run(fixture, context.scale().warmup());
      }
      Map<String, SliceResult> results = new LinkedHashMap<>();
      contenders.forEach(c -> results.put(c.name(), new SliceResult()));
      for (int round = 0; round < context.scale().rounds(); round++) {
        for (int i = 0; i < fixtures.size(); i++) {
          Fixture fixture = fixtures.get((i + round) % fixtures.size());
          results.get(fixture.contender.name()).add(measured(context, fixture, slice));
        }
      }
      context.progress(label + ": " + summary(results));
      results.forEach((name, result) -> {
        if (result.errors > 0) {
          context.note(label + ", " + name + ": " + result.errors + " errors, e.g. " + result.errorSamples);
        }
      });
      return results;
    } finally {
      closeAll(fixtures);
    }
  }

  private static void closeAll(List<Fixture> fixtures) {
    List<Thread> closing = new ArrayList<>();
    for (Fixture fixture : fixtures) {
      Thread thread = new Thread(fixture::close, "close-" + fixture.contender.name());
      thread.start();
      closing.add(thread);
    }
    for (Thread thread : closing) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Opens every contender's fixture at once: connecting (Redisson opens 25 connections per instance) is most of
   * a short run's time, and it is not measured. Closes what opened if one fails.
   */
  private static List<Fixture> openAll(List<Contender> contenders, Opener opener) throws Exception {
    // Not the common pool: on 2 cores it has a single thread.
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(contenders.size());
    List<java.util.concurrent.CompletableFuture<Fixture>> opening = new ArrayList<>();
    for (Contender contender : contenders) {
      opening.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return opener.open(contender);
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      }, pool));
    }
    pool.shutdown();
    List<Fixture> opened = new ArrayList<>();
    Exception failure = null;
    for (java.util.concurrent.CompletableFuture<Fixture> future : opening) {
      try {
        opened.add(future.join());
      } catch (java.util.concurrent.CompletionException e) {
        failure = failure != null ? failure : e.getCause() instanceof Exception cause ? cause : e;
      }
    }
    if (failure != null) {
      opened.forEach(Fixture::close);
      throw failure;
    }
    return opened;
  }

  private static SliceResult measured(BenchContext context, Fixture fixture, Slice slice) throws Exception {
    RedisProbe.Snapshot before = context.probe().snapshot(fixture.contender);
    SliceResult result = slice.run(fixture, context.scale().slice());
    result.commands = context.probe().delta(before, context.probe().snapshot(fixture.contender));
    return result;
  }

  private static String summary(Map<String, SliceResult> results) {
    StringBuilder line = new StringBuilder();
    results.forEach((name, result) -> line.append(line.length() == 0 ? "" : ", ")
        .append(name).append(' ').append(Math.round(result.opsPerSecond())).append("/s"));
    return line.toString();
  }
}
