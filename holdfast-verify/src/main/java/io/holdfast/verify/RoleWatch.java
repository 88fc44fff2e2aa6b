package io.holdfast.verify;

import io.holdfast.testkit.redis.RedisServer;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/*
 * Watches who is master in a replicated topology, so that a failover the checker did not inject still reaches the
 * history. Sentinel and Cluster fail over by themselves when a master stops answering for longer than their
 * timeout, which a loaded machine causes (a redis-server starved of CPU for a second). The old master then keeps
 * serving the clients still connected to it until it is demoted, which can take seconds more, and the writes it
 * accepts meanwhile are discarded when it resyncs as a replica: leases are lost, as in an injected failover, and
 * without a record of it the checkers would call the overlap unexplained or blame the wrong fault.
 *
 * Each poll reads the roles (Roles: a description, and whether it is settled, i.e. exactly the one master per
 * shard that the topology names). A change away from the last settled roles while no fault is being injected or
 * healed opens an unplanned failover; it closes at the first settled poll after it, so the window runs from the
 * last poll that saw the old roles until every old master was demoted. A window still open at close is reported
 * then. Polls every 200 ms on its own daemon thread; a poll that fails (a node down or slow) is skipped.
 */
final class RoleWatch implements AutoCloseable {
  private static final long POLL_MILLIS = 200;

  /** What a poll saw: a description of the roles, and whether they are settled. */
  record Roles(String text, boolean settled) {
    Roles {
      Objects.requireNonNull(text, "text");
    }
  }

  /** Receives an unplanned failover: the window in System.nanoTime and what changed. */
  interface Sink {
    void unplanned(long fromNanos, long toNanos, String note);
  }

  private final Supplier<Roles> roles;
  private final BooleanSupplier faultActive;
  private final Sink sink;
  private final Thread thread;
  private volatile boolean closed;
  private String baseline;
  private long baselineAt;
  private boolean deviating;

  RoleWatch(Supplier<Roles> roles, BooleanSupplier faultActive, Sink sink) {
    this.roles = Objects.requireNonNull(roles, "roles");
    this.faultActive = Objects.requireNonNull(faultActive, "faultActive");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.thread = new Thread(this::run, "verify-role-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!closed) {
      Roles now = poll();
      if (faultActive.getAsBoolean()) {
        baseline = null;
        deviating = false;
      } else if (now != null) {
        observe(now, System.nanoTime());
      }
      sleep();
    }
    if (deviating) {
      sink.unplanned(baselineAt, System.nanoTime(), note(baseline, "(still unsettled when the run ended)"));
    }
  }

  private void observe(Roles now, long at) {
    if (baseline == null) {
      if (now.settled()) {
        baseline = now.text();
        baselineAt = at;
      }
    } else if (!deviating) {
      if (now.text().equals(baseline)) {
        baselineAt = at;
      } else {
        deviating = true;
      }
    } else if (now.settled()) {
      sink.unplanned(baselineAt, at, note(baseline, now.text()));
      baseline = now.text();
      baselineAt = at;
      deviating = false;
    }
  }

  /** The ports of the running, unfrozen nodes among {@code nodes} that report {@code role:master}, sorted. */
  static List<Integer> masterPorts(List<RedisServer> nodes) {
    return nodes.stream()
        .filter(n -> n.isRunning() && !n.isPaused() && "master".equals(n.info("replication").get("role")))
        .map(RedisServer::port).sorted().toList();
  }

  private static String note(String from, String to) {
    return "unplanned failover (not injected): " + from + " -> " + to;
  }

  private Roles poll() {
    try {
      return roles.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
