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
  void nemesis_dropsRedisFaultsTheTopologyCannotInject() {
    assertThat(Nemesis.enabled(FaultKind.all(), java.util.Set.of(FaultKind.REDIS_PAUSE)))
        .contains(FaultKind.CLIENT_PAUSE, FaultKind.REDIS_PAUSE)
        .doesNotContain(FaultKind.REDIS_WIPE, FaultKind.REDIS_CLOCK);
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
}
