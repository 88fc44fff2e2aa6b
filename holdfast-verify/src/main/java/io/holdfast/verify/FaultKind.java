package io.holdfast.verify;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The faults a run can inject, by their command-line names. Each is injected, held for a while and healed; what a
 * fault may legitimately do to lease timing is recorded here, because the checkers must tell an overlap that a
 * fault explains from one that reveals a bug.
 *
 * <p>A {@link Topology} declares which kinds it supports and carries out the Redis-side ones; what a kind does
 * exactly on each topology is described there ({@link #FAILOVER} differs most).
 */
enum FaultKind {
  /** SIGSTOP a client JVM for longer than the lease TTL, then SIGCONT. */
  CLIENT_PAUSE("client-pause", false, false, true),
  /** SIGKILL a client JVM while it holds a lock; a fresh client replaces it. */
  CLIENT_KILL("client-kill", false, false, true),
  /** Step a client's injected wall clock (HoldfastOptions.wallClock) by seconds to minutes, then back. */
  CLIENT_CLOCK("client-clock", false, false, false),
  /** Add latency to one client's connections (to Redis, or to the lock service), through the checker's TCP proxy. */
  NET_DELAY("net-delay", false, false, false),
  /** Cut one client's connections (to Redis, or to the lock service): reset, and refuse new ones, for a while. */
  NET_CUT("net-cut", false, false, false),
  /** SIGSTOP redis-server, then SIGCONT. */
  REDIS_PAUSE("redis-pause", false, false, false),
  /** SIGKILL redis-server and restart it from its fsynced append-only file: no acknowledged write is lost. */
  REDIS_RESTART("redis-restart", false, false, false),
  /** SIGKILL redis-server and restart it without its data, as a restart without persistence does. */
  REDIS_WIPE("redis-wipe", true, false, false),
  /** Step the Redis host's clock (libfaketime) forwards or backwards, then back. */
  REDIS_CLOCK("redis-clock", true, true, false),
  /**
   * SIGKILL a master and let the topology replace it: Sentinel and Cluster promote a replica (which may lack the
   * last writes, as replication is asynchronous) and the old master returns as a replica; independent masters
   * lose a minority, which restarts without its data. Either way acknowledged grants can be lost, as in
   * {@link #REDIS_WIPE}.
   */
  FAILOVER("failover", true, false, false),
  /**
   * SIGSTOP one lock service instance (--target service), then SIGCONT: calls in flight on it hang until the
   * client's operation timeout, and the client moves to the other instance. Sessions and locks live in Redis.
   */
  SERVICE_PAUSE("service-pause", false, false, false),
  /** SIGKILL one lock service instance and restart it on its port: nothing is lost but its in-flight calls. */
  SERVICE_KILL("service-kill", false, false, false);

  private final String cliName;
  private final boolean explainsOverlap;
  private final boolean redisClock;
  private final boolean stopsHolder;

  FaultKind(String cliName, boolean explainsOverlap, boolean redisClock, boolean stopsHolder) {
    this.cliName = cliName;
    this.explainsOverlap = explainsOverlap;
    this.redisClock = redisClock;
    this.stopsHolder = stopsHolder;
  }

  String cliName() {
    return cliName;
  }

  /** Whether the fault can end a lease in Redis before its holder's conservative local deadline. */
  boolean explainsOverlap() {
    return explainsOverlap;
  }

  /** Whether the fault breaks "Redis expiry follows real time", which the timed linearizability model assumes. */
  boolean isRedisClock() {
    return redisClock;
  }

  /** Whether a lock held by the target stays held until its lease expires (the liveness check's trigger). */
  boolean stopsHolder() {
    return stopsHolder;
  }

  /** Whether the fault can lose acknowledged writes (a lease-loss window for the linearizability model). */
  boolean losesRedisData() {
    return this == REDIS_WIPE || this == FAILOVER;
  }

  /** Whether the topology injects it (the others hit a client JVM or its proxy). */
  boolean targetsRedis() {
    return this == FAILOVER || name().startsWith("REDIS_");
  }

  /** Whether the fault hits a lock service instance (only a --target service run has them). */
  boolean targetsService() {
    return this == SERVICE_PAUSE || this == SERVICE_KILL;
  }

  /** The kinds a run through the lock service adds. */
  static Set<FaultKind> service() {
    return EnumSet.of(SERVICE_PAUSE, SERVICE_KILL);
  }

  /** The kinds every topology supports: they hit the client JVMs, whatever serves the locks. */
  static Set<FaultKind> clientSide() {
    return EnumSet.of(CLIENT_PAUSE, CLIENT_KILL, CLIENT_CLOCK);
  }

  /** The kinds a topology supports when every client reaches it through its own proxies. */
  static Set<FaultKind> network() {
    return EnumSet.of(NET_DELAY, NET_CUT);
  }

  static FaultKind parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(k -> k.cliName.equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown fault '" + name + "'; known: " + names(all())));
  }

  static Set<FaultKind> parseList(String list) {
    if (list.isBlank() || list.equalsIgnoreCase("none")) {
      return EnumSet.noneOf(FaultKind.class);
    }
    if (list.equalsIgnoreCase("all")) {
      return all();
    }
    Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
    for (String name : list.split(",")) {
      kinds.add(parse(name));
    }
    return kinds;
  }

  static Set<FaultKind> all() {
    return EnumSet.allOf(FaultKind.class);
  }

  static String names(Set<FaultKind> kinds) {
    return kinds.isEmpty() ? "none" : kinds.stream().map(FaultKind::cliName).collect(Collectors.joining(","));
  }
}
