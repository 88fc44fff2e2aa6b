package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConfigTest {

  @Test
  void workload_survivesTheTripToAClientJvm() {
    Workload workload = Workload.standard(Duration.ofMillis(750), 3, 5).withLock("tiny-release-by-del");

    Map<String, String> args = workload.toArgs().stream()
        .collect(Collectors.toMap(a -> a.substring(0, a.indexOf('=')), a -> a.substring(a.indexOf('=') + 1)));

    assertThat(Workload.fromArgs(args)).isEqualTo(workload);
    assertThat(workload.flaw()).isEqualTo(TinyLock.Flaw.RELEASE_BY_DEL);
    assertThat(workload.withLock("tiny").flaw()).isEqualTo(TinyLock.Flaw.NONE);
  }

  @Test
  void faultLists_parseByCliName() {
    assertThat(FaultKind.parseList("client-pause, redis-wipe"))
        .containsExactlyInAnyOrder(FaultKind.CLIENT_PAUSE, FaultKind.REDIS_WIPE);
    assertThat(FaultKind.parseList("none")).isEmpty();
    assertThat(FaultKind.parseList("all")).hasSize(FaultKind.values().length);
    assertThatThrownBy(() -> FaultKind.parse("meteor")).hasMessageContaining("known: client-pause");
  }

  @Test
  void nemesis_dropsFaultsTheTopologyCannotInject() {
    java.util.Set<FaultKind> supported = FaultKind.clientSide();
    supported.add(FaultKind.FAILOVER);

    assertThat(Nemesis.enabled(FaultKind.all(), supported))
        .containsExactly(FaultKind.CLIENT_PAUSE, FaultKind.CLIENT_KILL, FaultKind.CLIENT_CLOCK, FaultKind.FAILOVER);
  }

  @Test
  void failover_losesDataLikeAWipe_andTargetsRedis() {
    assertThat(FaultKind.parse("failover")).isEqualTo(FaultKind.FAILOVER);
    assertThat(FaultKind.FAILOVER.explainsOverlap()).isTrue();
    assertThat(FaultKind.FAILOVER.losesRedisData()).isTrue();
    assertThat(FaultKind.FAILOVER.targetsRedis()).isTrue();
    assertThat(FaultKind.FAILOVER.isRedisClock()).isFalse();
    assertThat(FaultKind.REDIS_RESTART.explainsOverlap()).isFalse();
  }

  @Test
  void command_topologyOption_selectsTheTopologyAndKeepsFailoverInTheDefaults() {
    VerifyCommand command = new VerifyCommand();
    new CommandLine(command).parseArgs("--topology", "quorum", "--masters", "5");

    RunConfig config = command.config();

    assertThat(config.topology()).isEqualTo(TopologyKind.QUORUM);
    assertThat(config.masters()).isEqualTo(5);
    assertThat(config.faults()).contains(FaultKind.FAILOVER);
  }

  @Test
  void command_badTopologyOrMasters_areUsageErrors() {
    StringWriter err = new StringWriter();
    CommandLine line = new CommandLine(new VerifyCommand()).setErr(new PrintWriter(err));

    assertThat(line.execute("--topology", "mesh")).isEqualTo(2);
    assertThat(line.execute("--topology", "quorum", "--masters", "4")).isEqualTo(2);
    assertThat(line.execute("--topology", "cluster", "--redis", "redis://127.0.0.1:6379")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown topology 'mesh'; known: standalone, sentinel, cluster, quorum")
        .contains("masters must be 3, 5, 7 or 9, was 4").contains("cannot be combined with topology cluster");
  }

  @Test
  void command_help_documentsEveryTopology() {
    StringWriter out = new StringWriter();
    new CommandLine(new VerifyCommand()).setOut(new PrintWriter(out)).execute("--help");

    assertThat(out.toString()).contains("--topology=standalone|sentinel|cluster|quorum")
        .contains("sentinel    master + 2 replicas + 3 sentinels").contains("cluster     3 masters + 3 replicas")
        .contains("quorum      --masters independent masters");
  }

  @Test
  void command_defaultsToAShortMixedFaultRun() {
    VerifyCommand command = new VerifyCommand();
    new CommandLine(command).parseArgs();

    RunConfig config = command.config();

    assertThat(config.duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.redis()).isNull();
    assertThat(config.faults()).contains(FaultKind.CLIENT_PAUSE, FaultKind.CLIENT_KILL, FaultKind.REDIS_RESTART,
        FaultKind.REDIS_WIPE, FaultKind.NET_CUT).doesNotContain(FaultKind.REDIS_CLOCK);
    assertThat(config.quiet()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.outputDir()).as("never the current directory (a checkout)")
        .startsWithRaw(java.nio.file.Path.of(System.getProperty("user.home"), ".holdfast", "verify")).isAbsolute();
  }

  @Test
  void command_rejectsBadOptionsAsUsageErrors() {
    StringWriter err = new StringWriter();
    CommandLine line = new CommandLine(new VerifyCommand()).setErr(new PrintWriter(err));

    assertThat(line.execute("--faults", "meteor")).isEqualTo(2);
    assertThat(line.execute("--ttl", "5")).isEqualTo(2);
    assertThat(line.execute("--clients", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown fault 'meteor'").contains("--clients must be from 1 to 64");
  }

  @Test
  void command_targetService_runsTwoInstancesWithSessionsOfTwoTtlAndLockDelayOfOne() {
    VerifyCommand command = new VerifyCommand();
    new CommandLine(command).parseArgs("--target", "service", "--ttl", "500ms");

    Target target = command.config().target();

    assertThat(target.isService()).isTrue();
    assertThat(target.instances()).isEqualTo(2);
    assertThat(target.sessionTtl()).isEqualTo(Duration.ofSeconds(1));
    assertThat(target.lockDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(target.keepsLeaseModel(Duration.ofMillis(500))).isTrue();
  }

  @Test
  void command_defaultTarget_isTheLibraryWithoutLockDelay() {
    VerifyCommand command = new VerifyCommand();
    new CommandLine(command).parseArgs();

    assertThat(command.config().target()).isEqualTo(Target.library());
    assertThat(command.config().target().lockDelay()).isZero();
  }

  @Test
  void command_badTargetOrKnobs_areUsageErrors() {
    StringWriter err = new StringWriter();
    CommandLine line = new CommandLine(new VerifyCommand()).setErr(new PrintWriter(err));

    assertThat(line.execute("--target", "cloud")).isEqualTo(2);
    assertThat(line.execute("--service-lock-delay", "0s")).isEqualTo(2);
    assertThat(line.execute("--target", "service", "--lock", "tiny")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown target 'cloud'; known: library, service")
        .contains("need --target service").contains("cannot run through the lock service");
  }

  @Test
  void target_lockDelayBelowTheTtl_isMarkedAsANegativeControl() {
    Target broken = Target.service(Duration.ofMillis(300)).withLockDelay(Duration.ZERO)
        .withSessionTtl(Duration.ofMillis(150));

    assertThat(broken.keepsLeaseModel(Duration.ofMillis(300))).isFalse();
    assertThat(broken.describe(Duration.ofMillis(300))).contains("NEGATIVE CONTROL");
    assertThatThrownBy(() -> new Target(Target.Kind.LIBRARY, 2, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("no instances");
  }

  @Test
  void nemesis_throughTheService_addsServiceFaultsAndNetworkFaultsEvenOnSentinel() {
    java.util.Set<FaultKind> sentinel = FaultKind.clientSide();
    sentinel.add(FaultKind.FAILOVER);

    assertThat(Nemesis.supported(sentinel, true)).contains(FaultKind.FAILOVER, FaultKind.NET_CUT,
        FaultKind.NET_DELAY, FaultKind.SERVICE_PAUSE, FaultKind.SERVICE_KILL);
    assertThat(Nemesis.supported(sentinel, false)).isEqualTo(sentinel);
    assertThat(FaultKind.SERVICE_KILL.targetsService()).isTrue();
    assertThat(FaultKind.SERVICE_KILL.targetsRedis()).isFalse();
    assertThat(FaultKind.SERVICE_KILL.explainsOverlap()).isFalse();
  }

  @Test
  void serviceInstance_config_takesTheTargetsSessionsAndScalesTimeoutsToTheTtl() {
    Map<String, String> options = ClientMain.parse(new String[] {"port=0", "redis=redis://127.0.0.1:6379",
        "prefix=verify", "sessionTtl=600", "lockDelay=300", "ttl=300"});

    io.holdfast.server.ServerConfig config = ServiceMain.config(options);

    assertThat(config.sessionTtl()).isEqualTo(Duration.ofMillis(600));
    assertThat(config.lockDelay()).isEqualTo(Duration.ofMillis(300));
    assertThat(config.redisTimeout()).isEqualTo(Duration.ofMillis(150));
    assertThat(config.host()).isEqualTo("127.0.0.1");
  }
}
