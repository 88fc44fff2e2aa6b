package io.holdfast.server;

import io.holdfast.redis.CommandLane;
import io.holdfast.redis.RedisDeployment;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/*
 * The independent masters of a redis-quorum:// store, each one a standalone RedisDeployment running the same
 * slot-local service scripts (RedisCalls). Why it is safe to combine their answers: every step is sent to every
 * master and a result is taken only when a majority of ALL masters agrees (Replies of masters that failed count
 * against it), which is the Redlock rule; any two majorities share a master. A step waits for every master's
 * answer or its timeout (the Redis timeout), so a paused master delays a call by at most that timeout.
 * Immutable after construction; Lettuce objects are thread-safe.
 */
final class QuorumMasters implements AutoCloseable {
  /** One master's answer: the reply, or the failure. */
  record Answer(List<Object> reply, Throwable failure) {
    boolean ok() {
      return failure == null;
    }

    long status() {
      return Replies.num(reply, 0);
    }
  }

  private final List<RedisCalls> masters;
  private final String safeUri;
  private final Duration timeout;
  private final ExecutorService laneThreads;

  private QuorumMasters(List<RedisCalls> masters, String safeUri, Duration timeout, ExecutorService laneThreads) {
    this.masters = List.copyOf(masters);
    this.safeUri = safeUri;
    this.timeout = timeout;
    this.laneThreads = laneThreads;
  }

  /**
   * Opens a link to every master. A master that does not answer now is connected in the background (RedisLink),
   * so the store serves at once with a minority down, as the library does, and answers UNAVAILABLE with a
   * majority down until enough are back. Fails only for a bad URI or a master refusing the set-up.
   */
  static QuorumMasters open(URI uri, Duration timeout, String keyPrefix, String clientName) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT).startsWith("rediss") ? "rediss" : "redis";
    String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
    int at = authority.lastIndexOf('@');
    String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
    List<String> hosts = Arrays.asList(authority.substring(at + 1).split(","));
    if (hosts.size() < 3) {
      throw ServiceException.badRequest("redis-quorum:// needs at least 3 masters, was " + hosts.size());
    }
    List<RedisCalls> masters = new ArrayList<>();
    // The masters' command lanes drain here when a call comes from a Netty thread (never a connection's event
    // loop); one thread per master, so one busy master's sends do not queue the others'.
    ExecutorService laneThreads = Executors.newFixedThreadPool(hosts.size(), runnable -> {
      Thread thread = new Thread(runnable, "holdfast-quorum-lane");
      thread.setDaemon(true);
      return thread;
    });
    try {
      for (String host : hosts) {
        masters.add(new RedisCalls(RedisLink.open(URI.create(scheme + "://" + userInfo + host), timeout, clientName),
            keyPrefix, CommandLane.drainingOn(laneThreads)));
      }
    } catch (RuntimeException e) {
      masters.forEach(master -> master.link().close());
      laneThreads.shutdown();
      throw e;
    }
    return new QuorumMasters(masters, scheme + "-quorum://" + String.join(",", hosts), timeout, laneThreads);
  }

  int size() {
    return masters.size();
  }

  int majority() {
    return masters.size() / 2 + 1;
  }

  /** How long one Redis command may take (the service's redis-timeout). */
  Duration timeout() {
    return timeout;
  }

  /** Each master's calls, in URI order. */
  void forEach(java.util.function.Consumer<RedisCalls> action) {
    masters.forEach(action);
  }

  void forEachLink(java.util.function.Consumer<RedisLink> action) {
    masters.forEach(master -> action.accept(master.link()));
  }

  int indexOf(RedisCalls master) {
    return masters.indexOf(master);
  }

  RedisCalls first() {
    return masters.get(0);
  }

  /** Runs {@code step} on every master; completes when each answered or failed. Never fails itself. */
  CompletableFuture<List<Answer>> all(Function<RedisCalls, CompletableFuture<List<Object>>> step) {
    List<CompletableFuture<Answer>> calls = new ArrayList<>(masters.size());
    for (RedisCalls master : masters) {
      calls.add(Errors.started(() -> step.apply(master))
          .handle((reply, failure) -> new Answer(reply, failure == null ? null : Errors.unwrap(failure))));
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .thenApply(done -> calls.stream().map(CompletableFuture::join).toList());
  }

  /** Answers that succeeded with the given status. */
  static List<Answer> withStatus(List<Answer> answers, long status) {
    return answers.stream().filter(a -> a.ok() && a.status() == status).toList();
  }

  /** The failure to report when no majority agreed: the first master's failure, or "too few answered". */
  ServiceException noMajority(List<Answer> answers, String what) {
    for (Answer answer : answers) {
      if (!answer.ok() && answer.failure() instanceof ServiceException service
          && service.reason() != io.holdfast.api.v1.Reason.REDIS_UNAVAILABLE) {
        return service;
      }
    }
    long answered = answers.stream().filter(Answer::ok).count();
    return ServiceException.unavailable(what + ": no majority of the " + masters.size() + " independent masters "
        + safeUri + " agreed (" + answered + " answered, " + majority() + " needed); nothing was reported as"
        + " done and the call is safe to repeat", null);
  }

  String describe() {
    String version = masters.stream().map(master -> master.link().describe())
        .filter(described -> described.contains("(Redis "))
        .map(described -> described.substring(described.indexOf("(Redis ") + 1, described.length() - 1))
        .findFirst().orElse("none connected yet");
    return safeUri + " (" + masters.size() + " independent masters, majority " + majority() + ", " + version + ")";
  }

  boolean transientFailure(Throwable failure) {
    return RedisDeployment.isTransient(failure);
  }

  @Override
  public void close() {
    masters.forEach(master -> master.link().close());
    laneThreads.shutdown();
  }
}
