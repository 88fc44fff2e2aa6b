package io.holdfast.testkit.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * N standalone {@code redis-server} processes that know nothing of each other: the deployment the Redlock
 * scheme ({@code redis-quorum://}) runs on. Each is a plain {@link RedisServer}, so a test can stop, kill,
 * pause or restart any minority (or majority) of them.
 *
 * <pre>{@code
 * try (IndependentMasters masters = IndependentMasters.start(3)) {
 *   Holdfast holdfast = Holdfast.connect(masters.uri());
 *   masters.master(0).kill();   // a minority down: grants continue
 * }
 * }</pre>
 *
 * <p>Thread-safe as far as {@link RedisServer} is; the list of masters never changes.
 */
public final class IndependentMasters implements AutoCloseable {
  private final List<RedisServer> masters;

  private IndependentMasters(List<RedisServer> masters) {
    this.masters = List.copyOf(masters);
  }

  /**
   * Starts {@code count} masters without persistence, each on its own free loopback port.
   *
   * @param count how many masters, at least 1 (a quorum needs 3 or more to tolerate a failure)
   * @return the running masters
   * @throws IllegalArgumentException if {@code count} is below 1
   * @throws IllegalStateException if a server cannot start (the others are stopped again)
   */
  public static IndependentMasters start(int count) {
    return start(count, RedisServer.builder());
  }

  /**
   * Starts {@code count} masters, each built from the same builder (for persistence or extra options).
   *
   * @param count how many masters, at least 1
   * @param builder the configuration every master gets
   * @return the running masters
   * @throws IllegalArgumentException if {@code count} is below 1
   * @throws IllegalStateException if a server cannot start (the others are stopped again)
   */
  public static IndependentMasters start(int count, RedisServerBuilder builder) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1 but was " + count);
    }
    List<RedisServer> started = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        started.add(builder.build().start());
      }
      return new IndependentMasters(started);
    } catch (RuntimeException e) {
      Await.closeAll(started);
      throw e;
    }
  }

  /**
   * The backend URI naming every master.
   *
   * @return {@code redis-quorum://127.0.0.1:P1,127.0.0.1:P2,...}
   */
  public String uri() {
    return "redis-quorum://" + masters.stream().map(m -> m.host() + ":" + m.port()).collect(Collectors.joining(","));
  }

  /**
   * Returns one master.
   *
   * @param index from 0, in the order of {@link #uri()}
   * @return the server
   */
  public RedisServer master(int index) {
    return masters.get(index);
  }

  /**
   * Returns every master.
   *
   * @return an unmodifiable list in the order of {@link #uri()}
   */
  public List<RedisServer> masters() {
    return masters;
  }

  /** Resumes every paused master and restarts every stopped one; data they lost is not restored. */
  public void heal() {
    for (RedisServer master : masters) {
      if (master.isPaused()) {
        master.resume();
      }
      if (!master.isRunning()) {
        master.restart();
      }
    }
  }

  /** Stops and deletes every master; safe to call more than once. */
  @Override
  public void close() {
    Await.closeAll(masters);
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return "IndependentMasters" + masters;
  }
}
