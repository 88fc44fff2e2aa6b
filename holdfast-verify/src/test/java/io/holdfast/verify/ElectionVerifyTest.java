package io.holdfast.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ElectionVerifyTest {
  @Test
  void primitiveOption_election_makesAnElectionWorkloadWithoutManualRenewals() {
    VerifyCommand command = new VerifyCommand();
    new CommandLine(command).parseArgs("--primitive", "election", "--ttl", "500ms");

    Workload workload = command.config().workload();

    assertThat(workload.lock()).isEqualTo(Workload.ELECTION);
    assertThat(workload.isElection()).isTrue();
    assertThat(workload.isTiny()).isFalse();
    assertThat(workload.renewals()).isZero();
    Map<String, String> args = workload.toArgs().stream()
        .collect(Collectors.toMap(a -> a.substring(0, a.indexOf('=')), a -> a.substring(a.indexOf('=') + 1)));
    assertThat(Workload.fromArgs(args)).as("the trip to a client JVM").isEqualTo(workload);
  }

  @Test
  void primitiveOption_negativeControl_onlyWithElection() {
    VerifyCommand control = new VerifyCommand();
    new CommandLine(control).parseArgs("--primitive", "election", "--lock", "election-local-terms");
    assertThat(control.config().workload().lock()).isEqualTo(Workload.ELECTION_LOCAL_TERMS);

    VerifyCommand mismatched = new VerifyCommand();
    new CommandLine(mismatched).parseArgs("--lock", "election-local-terms");
    assertThatThrownBy(mismatched::config).hasMessageContaining("needs --primitive election");

    VerifyCommand tiny = new VerifyCommand();
    new CommandLine(tiny).parseArgs("--primitive", "election", "--lock", "tiny-reuses-tokens");
    assertThatThrownBy(tiny::config).hasMessageContaining("not of the election");

    VerifyCommand unknown = new VerifyCommand();
    new CommandLine(unknown).parseArgs("--primitive", "semaphor");
    assertThatThrownBy(unknown::config).hasMessageContaining("--primitive must be lock, election, rwlock, semaphore or fair");
  }

  @Test
  void primitiveOption_default_isTheLock() {
    VerifyCommand command = new VerifyCommand();
    new CommandLine(command).parseArgs();

    assertThat(command.config().workload().lock()).isEqualTo(Workload.HOLDFAST);
  }
}
