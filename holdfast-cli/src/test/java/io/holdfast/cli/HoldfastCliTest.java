package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

@Timeout(30)
class HoldfastCliTest {

  @Test
  void help_topLevel_listsCommandsAndExitsZero() {
    CliRun run = CliRun.of("--help");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("Usage: holdfast", "demo", "inspect", "--version");
    assertThat(run.err()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "inspect", "help"})
  void help_subcommand_printsItsUsageAndExitsZero(String command) {
    CliRun run = CliRun.of(command, "--help");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("Usage: holdfast " + command);
  }

  @Test
  void version_printsProjectVersion() {
    CliRun run = CliRun.of("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("holdfast ").doesNotContain("unknown").doesNotContain("${");
  }

  @Test
  void noCommand_exitsTwoWithMessage() {
    CliRun run = CliRun.of();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("holdfast: Missing command");
  }

  @Test
  void demo_unknownFlag_exitsTwoWithOneLineErrorAndUsage() {
    CliRun run = CliRun.of("demo", "--nodez", "5");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(firstLine(run.err())).isEqualTo("holdfast: Unknown options: '--nodez', '5'");
    assertThat(run.err()).contains("Usage: holdfast demo", "holdfast demo --help").doesNotContain("Exception");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void demo_badDuration_exitsTwoNamingOptionAndFormat() {
    CliRun run = CliRun.of("demo", "--duration", "10 minutes");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(firstLine(run.err())).isEqualTo("holdfast: Invalid value for option '--duration': '10 minutes'"
        + " is not a duration; write 500ms, 30s, 2m, 1h, 1d or PT30S");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--nodes=0", "--nodes=10001", "--locks=0", "--ttl=5ms", "--duration=0s",
      "--crash-rate=1.5", "--stall-rate=-0.1", "--crash-rate=NaN"})
  void demo_outOfRangeValue_exitsTwoNamingOption(String arg) {
    CliRun run = CliRun.of("demo", arg);

    String option = arg.substring(0, arg.indexOf('='));
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(firstLine(run.err())).startsWith("holdfast: Invalid value for option '" + option + "': must be");
  }

  @Test
  void demo_ratesAddingUpToMoreThanOne_exitsTwo() {
    CliRun run = CliRun.of("demo", "--crash-rate=0.6", "--stall-rate=0.6");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(firstLine(run.err())).contains("--crash-rate", "plus --stall-rate must not exceed 1");
  }

  @Test
  void demo_notARedisUri_exitsTwo() {
    CliRun run = CliRun.of("demo", "--redis", "http://127.0.0.1:6379");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(firstLine(run.err())).contains("'--redis'", "is not a Redis URI");
  }

  @Test
  void demo_unreachableRedis_exitsTwoWithOneLineNamingUri() {
    CliRun run = CliRun.of("demo", "--redis", "redis://127.0.0.1:1");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).startsWith("holdfast: cannot reach Redis at redis://127.0.0.1:1: ");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void demo_unreachableCluster_isAcceptedAsUriAndExitsTwoNamingIt() {
    CliRun run = CliRun.of("demo", "--redis", "redis-cluster://127.0.0.1:1,127.0.0.1:2");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).doesNotContain("is not a Redis URI").contains("127.0.0.1:1");
  }

  @Test
  void demo_unreachableRedisWithPassword_keepsPasswordOutOfMessage() {
    CliRun run = CliRun.of("demo", "--redis", "redis://user:s3cret@127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("redis://127.0.0.1:1").doesNotContain("s3cret");
  }

  @Test
  void inspect_withoutRedis_exitsTwo() {
    CliRun run = CliRun.of("inspect", "orders");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(firstLine(run.err())).isEqualTo("holdfast: Missing required option: '--redis=URI'");
    assertThat(run.err()).as("the usage marks it required too").contains(" --redis=URI").doesNotContain("[--redis");
  }

  @Test
  void inspect_unreachableRedis_exitsTwoWithOneLine() {
    CliRun run = CliRun.of("inspect", "orders", "--redis", "redis://127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).startsWith("holdfast: cannot reach Redis at redis://127.0.0.1:1: ");
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse("");
  }

  @Test
  void help_everyCommand_fitsEightyColumnsUnbrokenWithAnExample() {
    List<CommandLine> commands = new java.util.ArrayList<>();
    java.util.ArrayDeque<CommandLine> toVisit = new java.util.ArrayDeque<>(List.of(
        HoldfastCli.commandLine(new java.io.PrintWriter(new java.io.StringWriter()),
            new java.io.PrintWriter(new java.io.StringWriter()))));
    while (!toVisit.isEmpty()) {
      CommandLine command = toVisit.pop();
      commands.add(command);
      command.getSubcommands().values().stream().filter(sub -> !sub.getCommandName().equals("help"))
          .forEach(toVisit::push);
    }
    for (CommandLine command : commands) {
      String help = command.getUsageMessage();
      String name = command.getCommandSpec().qualifiedName();
      // A URI split by the wrapping leaves a line starting with "//" (redis-quorum: | //h1...) or with ":port".
      assertThat(help.lines()).as(name + " --help:%n%s", help).allSatisfy(line -> {
        assertThat(line).hasSizeLessThanOrEqualTo(80);
        assertThat(line.trim()).doesNotStartWith("//").doesNotContainPattern("^port[\\[,]");
      });
      assertThat(help).as(name + " --help shows an example").containsPattern("Examples?:");
    }
  }
}
