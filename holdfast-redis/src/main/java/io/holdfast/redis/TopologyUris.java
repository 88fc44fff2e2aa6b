package io.holdfast.redis;

import io.holdfast.InvalidArgumentException;
import io.holdfast.internal.Durations;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses backend URIs into a {@link TopologySpec}. The schemes:
 * <ul>
 *   <li>{@code redis[s]://[[user]:password@]host[:port][/db]} — one server;</li>
 *   <li>{@code redis[s]-sentinel://[[user]:password@]host:port[,host:port...][/db]?sentinelMasterId=NAME} —
 *       the sentinels (Lettuce's own syntax);</li>
 *   <li>{@code redis[s]-cluster://[[user]:password@]host:port[,host:port...]} — cluster seed nodes;</li>
 *   <li>{@code redis[s]-quorum://[[user]:password@]host:port,host:port,host:port[...]} — at least 3 masters.</li>
 * </ul>
 * Holdfast's own query parameters are taken out before the rest goes to Lettuce: {@code waitReplicas=N} and
 * {@code waitTimeout=100ms} (standalone and Sentinel), {@code shardedPubSub=false} (Cluster),
 * {@code deadlockDetection=requester|youngest|off} (all but quorum: waits are recorded). Other parameters
 * (Lettuce's {@code timeout}, {@code clientName}, {@code sentinelMasterId}, ...) pass through unchanged.
 *
 * <p>Safe: stateless. Messages never contain the password.
 */
final class TopologyUris {
  private static final Pattern PLAIN_MILLIS = Pattern.compile("\\d{1,12}");
  private static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(1);
  private static final int MIN_QUORUM_MASTERS = 3;

  private TopologyUris() { }

  static TopologySpec parse(URI backend, Duration timeout) {
    RedisTopology kind = RedisTopology.of(backend);
    boolean tls = backend.getScheme().toLowerCase(Locale.ROOT).startsWith("rediss");
    QueryOptions query = QueryOptions.of(backend.getRawQuery());
    ReplicaAck ack = replicaAck(query, kind, backend);
    boolean sharded = shardedPubSub(query, kind, backend);
    deadlockVictim(backend, null);
    URI stripped = withQuery(backend, query.rest());
    return switch (kind) {
      case STANDALONE -> {
        RedisURI uri = RedisConnections.parse(stripped, timeout);
        yield new TopologySpec(kind, List.of(uri), RedisConnections.safeUri(uri), ack, false);
      }
      case SENTINEL -> sentinel(stripped, timeout, ack);
      case CLUSTER, QUORUM -> multiNode(kind, stripped, tls, timeout, ack, sharded);
    };
  }

  private static TopologySpec sentinel(URI uri, Duration timeout, ReplicaAck ack) {
    RedisURI parsed;
    try {
      parsed = RedisURI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("Sentinel URI '" + redact(uri) + "' is malformed: " + e.getMessage());
    }
    if (parsed.getSentinels().isEmpty() || parsed.getSentinelMasterId() == null) {
      throw new InvalidArgumentException("Sentinel URI must list sentinels and name the master, as in "
          + "redis-sentinel://host:26379,host2:26379?sentinelMasterId=mymaster, was '" + redact(uri) + "'");
    }
    parsed.setTimeout(timeout);
    parsed.getSentinels().forEach(s -> s.setTimeout(timeout));
    return new TopologySpec(RedisTopology.SENTINEL, List.of(parsed), hostsOf(uri) + "?sentinelMasterId="
        + parsed.getSentinelMasterId(), ack, false);
  }

  private static TopologySpec multiNode(RedisTopology kind, URI uri, boolean tls, Duration timeout,
      ReplicaAck ack, boolean sharded) {
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isBlank()) {
      throw new InvalidArgumentException("Redis URI must list host:port pairs, was '" + redact(uri) + "'");
    }
    int at = authority.lastIndexOf('@');
    String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
    List<RedisURI> nodes = new ArrayList<>();
    for (String hostPort : authority.substring(at + 1).split(",")) {
      String node = (tls ? "rediss://" : "redis://") + userInfo + hostPort.trim()
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      try {
        nodes.add(RedisConnections.parse(URI.create(node), timeout));
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException("Redis URI '" + redact(uri) + "' has a malformed node '" + hostPort + "'");
      }
    }
    if (kind == RedisTopology.QUORUM && nodes.size() < MIN_QUORUM_MASTERS) {
      throw new InvalidArgumentException("redis-quorum:// needs at least " + MIN_QUORUM_MASTERS
          + " independent masters (a majority of 2 is both, which tolerates no failure), was '" + redact(uri) + "'");
    }
    return new TopologySpec(kind, nodes, hostsOf(uri), ack, sharded);
  }

  private static ReplicaAck replicaAck(QueryOptions query, RedisTopology kind, URI uri) {
    String replicas = query.holdfast().get("waitReplicas");
    String wait = query.holdfast().get("waitTimeout");
    if (replicas == null && wait == null) {
      return ReplicaAck.NONE;
    }
    if (kind != RedisTopology.STANDALONE && kind != RedisTopology.SENTINEL) {
      throw new InvalidArgumentException("waitReplicas/waitTimeout apply to redis:// and redis-sentinel:// only, "
          + "not '" + redact(uri) + "'");
    }
    if (replicas == null) {
      throw new InvalidArgumentException("waitTimeout needs waitReplicas=N in '" + redact(uri) + "'");
    }
    try {
      return new ReplicaAck(Integer.parseInt(replicas), wait == null ? DEFAULT_WAIT_TIMEOUT : duration(wait));
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("waitReplicas must be a whole number, was '" + replicas + "'");
    }
  }

  private static boolean shardedPubSub(QueryOptions query, RedisTopology kind, URI uri) {
    String value = query.holdfast().get("shardedPubSub");
    if (value == null) {
      return kind == RedisTopology.CLUSTER;
    }
    if (kind != RedisTopology.CLUSTER || !(value.equals("true") || value.equals("false"))) {
      throw new InvalidArgumentException("shardedPubSub=true|false applies to redis-cluster:// only, in '"
          + redact(uri) + "'");
    }
    return Boolean.parseBoolean(value);
  }

  /**
   * Deadlock detection as the URI sets it, {@code deadlockDetection=requester|youngest|off} (docs/deadlock.md): the
   * victim rule, null for off, {@code whenAbsent} without the parameter (the library: null, no waits recorded).
   */
  static io.holdfast.DeadlockVictim deadlockVictim(URI backend, io.holdfast.DeadlockVictim whenAbsent) {
    String value = QueryOptions.of(backend.getRawQuery()).holdfast().get("deadlockDetection");
    if (value == null || value.equals("off")) {
      return value == null ? whenAbsent : null;
    }
    if (RedisTopology.of(backend) == RedisTopology.QUORUM) {
      throw new InvalidArgumentException("deadlockDetection applies to redis://, redis-sentinel:// and"
          + " redis-cluster://, not '" + redact(backend) + "'");
    }
    return switch (value) {
      case "requester" -> io.holdfast.DeadlockVictim.REQUESTER;
      case "youngest" -> io.holdfast.DeadlockVictim.YOUNGEST;
      default -> throw new InvalidArgumentException("deadlockDetection must be requester, youngest or off, was '"
          + value + "'");
    };
  }

  /** A plain number of milliseconds (this URI parameter's own shorthand), or any form {@link Durations} reads. */
  static Duration duration(String text) {
    if (PLAIN_MILLIS.matcher(text.trim()).matches()) {
      return Duration.ofMillis(Long.parseLong(text.trim()));
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("waitTimeout: " + e.getMessage() + ", or a number of milliseconds");
    }
  }


  private static URI withQuery(URI uri, String query) {
    String text = uri.toString();
    int q = text.indexOf('?');
    String base = q < 0 ? text : text.substring(0, q);
    return URI.create(query.isEmpty() ? base : base + "?" + query);
  }

  private static String hostsOf(URI uri) {
    String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
    return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + authority.substring(authority.lastIndexOf('@') + 1);
  }

  static String redact(URI uri) {
    return uri.toString().replaceFirst("//[^/]*@", "//");
  }

  /** The query split into Holdfast's own parameters and the rest, which Lettuce parses. */
  private record QueryOptions(Map<String, String> holdfast, String rest) {
    private static final List<String> OWN = List.of("waitReplicas", "waitTimeout", "shardedPubSub",
        "deadlockDetection");

    static QueryOptions of(String rawQuery) {
      Map<String, String> own = new java.util.HashMap<>();
      List<String> rest = new ArrayList<>();
      if (rawQuery != null && !rawQuery.isEmpty()) {
        for (String pair : rawQuery.split("&")) {
          int eq = pair.indexOf('=');
          String key = eq < 0 ? pair : pair.substring(0, eq);
          if (OWN.contains(key)) {
            own.put(key, eq < 0 ? "" : pair.substring(eq + 1));
          } else if (!pair.isEmpty()) {
            rest.add(pair);
          }
        }
      }
      return new QueryOptions(own, String.join("&", rest));
    }
  }
}
