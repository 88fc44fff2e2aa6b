package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/*
 * The fault scheduler. From a seeded random source it picks one enabled fault at a time (each kind once per
 * round, in random order), injects it, holds it
 * for a while scaled to the lease TTL, heals it and waits a gap of two to four TTLs (long enough for C6 to judge
 * a takeover without another fault in the way). It stops starting faults so that the last one is healed before
 * the quiet period. Each fault is one history operation of the "nemesis" process: invoke when injected, ok when
 * healed, with what exactly was done in the notes.
 *
 * One fault at a time keeps every anomaly attributable to a single cause; the seed makes the schedule
 * repeatable (the timing of the workload, and so the exact history, is not).
 */
final class Nemesis implements Runnable {
  private static final String PROCESS = "nemesis";

  private final RunConfig config;
  private final Topology topology;
  private final Optional<ServiceFleet> services;
  private final ClientFleet fleet;
  private final Holdings holdings;
  private final Recorder recorder;
  private final Hub hub;
  private final Random random;
  private final List<FaultKind> kinds;
  private final Map<FaultKind, Runnable> actions = new EnumMap<>(FaultKind.class);
  private final long started;
  private volatile boolean stopped;

  Nemesis(RunConfig config, Topology topology, Optional<ServiceFleet> services, ClientFleet fleet,
      Holdings holdings, Recorder recorder, Hub hub, long started) {
    this.started = started;
    this.config = config;
    this.topology = topology;
    this.services = services;
    this.fleet = fleet;
    this.holdings = holdings;
    this.recorder = recorder;
    this.hub = hub;
    this.random = new Random(config.seed());
    this.kinds = enabled(config.faults(), supported(topology.supportedFaults(), services.isPresent()));
    actions.put(FaultKind.CLIENT_PAUSE, this::clientPause);
    actions.put(FaultKind.CLIENT_KILL, this::clientKill);
    actions.put(FaultKind.CLIENT_CLOCK, this::clientClock);
    actions.put(FaultKind.NET_DELAY, this::netDelay);
    actions.put(FaultKind.NET_CUT, this::netCut);
    actions.put(FaultKind.SERVICE_PAUSE, () -> serviceFault(FaultKind.SERVICE_PAUSE));
    actions.put(FaultKind.SERVICE_KILL, () -> serviceFault(FaultKind.SERVICE_KILL));
    for (FaultKind kind : FaultKind.values()) {
      if (kind.targetsRedis()) {
        actions.put(kind, () -> redisFault(kind));
      }
    }
  }

  /**
   * What a run can inject: the topology's kinds; through the service also the service faults, and the network
   * faults, since each client then reaches the instances through its own proxies whatever the topology.
   */
  static Set<FaultKind> supported(Set<FaultKind> topologyKinds, boolean throughService) {
    Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
    kinds.addAll(topologyKinds);
    if (throughService) {
      kinds.addAll(FaultKind.network());
      kinds.addAll(FaultKind.service());
    }
    return kinds;
  }

  /** The requested kinds this topology supports, in a fixed order. */
  static List<FaultKind> enabled(Set<FaultKind> requested, Set<FaultKind> supported) {
    List<FaultKind> kinds = new ArrayList<>();
    for (FaultKind kind : FaultKind.values()) {
      if (requested.contains(kind) && supported.contains(kind)) {
        kinds.add(kind);
      }
    }
    return kinds;
  }

  List<FaultKind> kinds() {
    return kinds;
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    long stopAt = started + config.duration().minus(config.quiet()).toNanos();
    Duration allowance = topology.healAllowance();
    // A service instance's restart is only waited for when service faults are in the mix: counting it otherwise
    // stopped a 12 s run through the service after its first two or three client faults.
    boolean serviceFaults = kinds.contains(FaultKind.SERVICE_PAUSE) || kinds.contains(FaultKind.SERVICE_KILL);
    if (serviceFaults && services.isPresent() && services.get().healAllowance().compareTo(allowance) > 0) {
      allowance = services.get().healAllowance();
    }
    long longest = ttl().multipliedBy(4).plus(allowance).toNanos();
    sleep(ttl().multipliedBy(2));
    List<FaultKind> round = new ArrayList<>();
    while (!stopped && !kinds.isEmpty() && recorder.now() + longest < stopAt) {
      if (round.isEmpty()) {
        // Every kind once per round, in a seeded random order: even a short run covers each kind.
        round.addAll(kinds);
        Collections.shuffle(round, random);
      }
      actions.get(round.remove(round.size() - 1)).run();
      sleep(scaled(2, 4));
    }
  }

  private void clientPause() {
    target(this::mostlyAHolder).ifPresent(client -> {
      Duration pause = scaled(1.5, 3);
      begin(FaultKind.CLIENT_PAUSE, client, "SIGSTOP for " + pause.toMillis() + " ms");
      fleet.process(client).pause();
      sleep(pause);
      fleet.process(client).resume();
      end(FaultKind.CLIENT_PAUSE, client, "SIGCONT");
    });
  }

  private void clientKill() {
    target(() -> {
      List<String> holding = fleet.active().stream().filter(holdings.clientsHolding()::contains).toList();
      return pick(holding.isEmpty() ? fleet.active() : holding);
    }).ifPresent(client -> {
      begin(FaultKind.CLIENT_KILL, client, "SIGKILL pid " + fleet.process(client).pid());
      fleet.process(client).kill();
      holdings.forget(client);
      String replacement = fleet.spawn();
      end(FaultKind.CLIENT_KILL, client, "replaced by " + replacement);
    });
  }

  private void clientClock() {
    target(() -> pick(fleet.active())).ifPresent(client -> {
      Duration base = fleet.baseOffset(client);
      long stepMillis = (long) (ttl().toMillis() * (3 + random.nextDouble() * 27)) * (random.nextBoolean() ? 1 : -1);
      Duration hold = scaled(1, 3);
      begin(FaultKind.CLIENT_CLOCK, client, "wall clock stepped by " + stepMillis + " ms from its "
          + base.toMillis() + " ms offset, for " + hold.toMillis() + " ms");
      hub.command(client, "CLOCK " + (base.toMillis() + stepMillis));
      sleep(hold);
      hub.command(client, "CLOCK " + base.toMillis());
      end(FaultKind.CLIENT_CLOCK, client, "stepped back");
    });
  }

  private void netDelay() {
    target(() -> pick(fleet.active())).ifPresent(client -> {
      Duration delay = scaled(0.1, 0.5);
      Duration hold = scaled(1, 3);
      begin(FaultKind.NET_DELAY, client, "+" + delay.toMillis() + " ms each way for "
          + hold.toMillis() + " ms");
      fleet.proxy(client).delay(delay);
      sleep(hold);
      fleet.proxy(client).delay(Duration.ZERO);
      end(FaultKind.NET_DELAY, client, "delay removed");
    });
  }

  private void netCut() {
    target(this::mostlyAHolder).ifPresent(client -> {
      Duration hold = scaled(1, 3);
      begin(FaultKind.NET_CUT, client, "connections reset and refused for " + hold.toMillis()
          + " ms");
      fleet.proxy(client).cut(true);
      sleep(hold);
      fleet.proxy(client).cut(false);
      end(FaultKind.NET_CUT, client, "reconnections allowed");
    });
  }

  /**
   * Freezes (then thaws) or kills (then restarts) one service instance for 0.5-2 TTL. Recorded from just before
   * the injection, like a Redis fault.
   */
  private void serviceFault(FaultKind kind) {
    ServiceFleet fleet = services.orElseThrow();
    int instance = random.nextInt(fleet.size());
    Duration hold = scaled(0.5, 2);
    long start = recorder.now();
    String note = kind == FaultKind.SERVICE_PAUSE ? fleet.pause(instance) : fleet.kill(instance);
    begin(kind, "service", note + ", healed after " + hold.toMillis() + " ms", start);
    sleep(hold);
    end(kind, "service", kind == FaultKind.SERVICE_PAUSE ? fleet.resume(instance) : fleet.restart(instance));
  }

  private void redisFault(FaultKind kind) {
    Duration hold = kind == FaultKind.REDIS_CLOCK ? scaled(1, 3) : scaled(0.3, 1.5);
    Duration step = Duration.ofMillis((long) (ttl().toMillis() * (1.5 + random.nextDouble() * 3.5))
        * (random.nextBoolean() ? 1 : -1));
    long start = recorder.now();
    String note = topology.inject(kind, step);
    begin(kind, "redis", note + ", heal begun after " + hold.toMillis() + " ms", start);
    sleep(hold);
    end(kind, "redis", topology.heal(kind));
  }

  private Optional<String> target(Supplier<String> choice) {
    return Optional.ofNullable(choice.get());
  }

  /*
   * A pause or a cut hits a client that holds a lock three times in four: that is the case that tests safety (its
   * lease runs on while it can neither act nor be heard, and another client may be granted the lock). The fourth
   * picks any client, so that a waiter frozen or cut off while its grant is on the way is tested too.
   */
  private String mostlyAHolder() {
    boolean holder = random.nextInt(4) < 3;
    List<String> holding = fleet.active().stream().filter(holdings.clientsHolding()::contains).toList();
    return holder && !holding.isEmpty() ? pick(holding) : pick(fleet.active());
  }

  private String pick(List<String> candidates) {
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  private void begin(FaultKind kind, String target, String note) {
    begin(kind, target, note, recorder.now());
  }

  /** Records the injection at {@code at}, taken just before the fault was applied. */
  private void begin(FaultKind kind, String target, String note, long at) {
    recorder.record(new Event(0, 0, PROCESS, Type.INVOKE, Op.FAULT, kind.cliName(), target, 0, 0, note), at);
  }

  private void end(FaultKind kind, String target, String note) {
    recorder.record(new Event(0, 0, PROCESS, Type.OK, Op.FAULT, kind.cliName(), target, 0, 0, note));
  }

  private Duration ttl() {
    return config.workload().ttl();
  }

  private Duration scaled(double low, double high) {
    return Duration.ofNanos((long) (ttl().toNanos() * (low + random.nextDouble() * (high - low))));
  }

  private static void sleep(Duration duration) {
    long deadline = System.nanoTime() + duration.toNanos();
    for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
