package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.testkit.ChildJvm;
import io.holdfast.testkit.redis.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The clock detector against a client JVM whose clocks libfaketime (Debian package {@code faketime}) runs slow or
 * fast, against a real redis-server: the gauges show the drift, one WARN names host and figures, and isValid()
 * never says true after Redis has expired the lease (ClockDriftProbe's check). Without libfaketime the test
 * cannot run and says so (skipped, with the package to install).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClockDriftIT {
  private static final List<String> LIBFAKETIME = List.of(
      "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
      "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
      "/usr/lib/faketime/libfaketime.so.1",
      "/usr/local/lib/faketime/libfaketime.so.1");

  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  static Optional<Path> libfaketime() {
    return LIBFAKETIME.stream().map(Path::of).filter(Files::isReadable).findFirst();
  }

  @ParameterizedTest(name = "clock at x{0}")
  @CsvSource({"0.5, -0.5, 'now count only'", "2, 1.0, 'stays conservative'"})
  void client_clockRunsAtOtherRate_gaugesWarningAndConservativeValidity(String speed, double drift,
      String consequence) throws Exception {
    Optional<Path> library = libfaketime();
    assumeTrue(library.isPresent(), "CANNOT RUN: libfaketime is not installed (Debian: apt-get install faketime;"
        + " .ci/run installs it)");
    try (ChildJvm probe = ChildJvm.start(ClockDriftProbe.class, List.of(redis.uri()), environment -> {
      environment.put("LD_PRELOAD", library.get().toString());
      environment.put("FAKETIME", "+0 x" + speed);
    })) {
      String gauges = probe.await("gauges ", Duration.ofSeconds(90));
      String verdict = probe.await("invalid", Duration.ofSeconds(30));
      probe.await("probe done", Duration.ofSeconds(10));
      String output = String.join("\n", probe.lines());
      assertThat(output).doesNotContain("VIOLATION");
      double measured = Double.parseDouble(gauges.replaceAll(".*drift=(\\S+).*", "$1"));
      assertThat(measured).as(output).isCloseTo(drift, org.assertj.core.data.Offset.offset(0.1));
      assertThat(Math.abs(Double.parseDouble(gauges.replaceAll(".*offset=(\\S+).*", "$1")))).as(output)
          .isLessThan(60.0);
      List<String> warnings = probe.lines().stream().filter(line -> line.contains("WARN")
          && line.contains("clock of host")).toList();
      assertThat(warnings).as(output).hasSize(1);
      assertThat(warnings.get(0)).contains("monotonic clock runs at", "rate drift", consequence);
      assertThat(verdict).as(output).contains("before the expiry bound");
    }
  }
}
