package io.holdfast.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchArgsTest {

  @Test
  void defaultsAreTheFullRunOfEverythingOnAPrivateServer() {
    BenchConfig config = BenchArgs.parse().orElseThrow();

    assertThat(config).isEqualTo(BenchConfig.defaults());
    assertThat(config.profile()).isEqualTo(Profile.FULL);
    assertThat(config.redisUri()).isEmpty();
  }

  @Test
  void parsesEveryOptionWithSpaceOrEquals() {
    BenchConfig config = BenchArgs.parse("--quick", "--redis=redis://127.0.0.1:7000", "--out", "x/y",
        "--workloads", "contended,memory", "--contenders=holdfast,raw").orElseThrow();

    assertThat(config.profile()).isEqualTo(Profile.QUICK);
    assertThat(config.redisUri()).contains("redis://127.0.0.1:7000");
    assertThat(config.outDir()).isEqualTo(Path.of("x/y"));
    assertThat(config.workloads()).containsExactly("contended", "memory");
    assertThat(config.contenders()).containsExactly("holdfast", "raw");
  }

  @Test
  void helpIsEmptyAndBadValuesNameTheValue() {
    assertThat(BenchArgs.parse("--help")).isEmpty();
    assertThatThrownBy(() -> BenchArgs.parse("--contenders", "holdfast,consul"))
        .hasMessageContaining("'consul'");
    assertThatThrownBy(() -> BenchArgs.parse("--profile", "long")).hasMessageContaining("'long'");
    assertThatThrownBy(() -> BenchArgs.parse("--out")).hasMessageContaining("--out needs a value");
    assertThatThrownBy(() -> BenchArgs.parse("--redis", "localhost:6379")).hasMessageContaining("localhost:6379");
  }

  @Test
  void picocliCommandParsesTheSameOptions() {
    BenchCommand command = new BenchCommand();
    new CommandLine(command).parseArgs("--quick", "--workloads", "renewal", "--contenders", "holdfast,redisson");

    assertThat(command.quick).isTrue();
    assertThat(command.workloads).isEqualTo(List.of("renewal"));
    assertThat(command.contenders).isEqualTo(List.of("holdfast", "redisson"));
  }
}
