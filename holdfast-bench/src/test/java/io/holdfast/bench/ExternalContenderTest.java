package io.holdfast.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The other lock systems' contenders without their servers: names, skip logic, lookups and ratio baselines. */
class ExternalContenderTest {
  private static final Path MISSING = Path.of("/nonexistent/holdfast-bench");

  @TempDir
  Path out;

  @Test
  void catalog_otherSystems_areKnownContendersWithTheirOwnTags() {
    List<Contender> contenders = Catalog.contenders(Catalog.OTHER_SYSTEMS, Profile.SMOKE.scale(), out);

    assertThat(contenders).extracting(Contender::name).containsExactlyElementsOf(Catalog.OTHER_SYSTEMS);
    assertThat(contenders).extracting(Contender::tag).containsExactly("ed", "et", "zk", "zn");
    assertThat(BenchConfig.CONTENDERS).containsAll(Catalog.OTHER_SYSTEMS);
    assertThat(contenders).allMatch(Contender::fencing);
  }

  @Test
  void runs_otherSystems_onlyTheCycleWorkloadsAndTheFleet() {
    Contender etcd = new EtcdContender(MISSING, false, out);

    assertThat(BenchConfig.WORKLOADS.stream().filter(etcd::runs))
        .containsExactly("uncontended", "contended", "fleet");
  }

  @Test
  void unavailable_missingBinaryOrJar_saysWhatIsMissingAndHowToInstallIt() {
    assertThat(new EtcdContender(MISSING.resolve("etcd"), false, out).unavailable()).contains(
        "no etcd binary at /nonexistent/holdfast-bench/etcd; install Debian's etcd-server or set"
            + " -Dholdfast.bench.etcd=PATH");
    assertThat(new ZooKeeperContender(MISSING.resolve("zk.jar"), true, out).unavailable()).contains(
        "no ZooKeeper server jar at /nonexistent/holdfast-bench/zk.jar; install Debian's zookeeper or set"
            + " -Dholdfast.bench.zookeeper.jar=PATH");
  }

  @Test
  void connect_unavailable_failsNamingTheReasonWithoutStartingAnything() {
    Contender etcd = new EtcdContender(MISSING, true, out);
    LockerSpec spec = new LockerSpec("redis://127.0.0.1:1", "x", UncontendedWorkload.TTL, false);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> etcd.connect(spec))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("etcd-tmpfs cannot run: no etcd binary");
    assertThat(etcd.serviceCpu()).isEmpty();
  }

  @Test
  void available_skipsUnavailableContendersWithOneNoteEach() {
    List<String> notes = new ArrayList<>();
    StringWriter console = new StringWriter();
    BenchContext context = new BenchContext("redis://127.0.0.1:1", null, Profile.SMOKE.scale(), new Violations(),
        new PrintWriter(console, true), "t", notes, true);
    Contender raw = new RawContender();

    List<Contender> available = Bench.available(List.of(raw, new EtcdContender(MISSING, false, out),
        new ZooKeeperContender(MISSING, false, out)), context);

    assertThat(available).containsExactly(raw);
    assertThat(notes).containsExactly(
        "contender etcd skipped: no etcd binary at " + MISSING + "; install Debian's etcd-server or set"
            + " -Dholdfast.bench.etcd=PATH",
        "contender zookeeper-nosync skipped: no ZooKeeper server jar at " + MISSING
            + "; install Debian's zookeeper or set -Dholdfast.bench.zookeeper.jar=PATH");
    assertThat(console.toString()).contains("note: contender etcd skipped: no etcd binary at");
  }

  @Test
  void lookups_systemProperties_overrideTheInstalledServers() {
    String etcd = System.getProperty(EtcdContender.BINARY_PROPERTY);
    String jar = System.getProperty(ZooKeeperContender.JAR_PROPERTY);
    try {
      System.setProperty(EtcdContender.BINARY_PROPERTY, "/opt/etcd/bin/etcd");
      System.setProperty(ZooKeeperContender.JAR_PROPERTY, "/opt/zk/zookeeper.jar");

      assertThat(EtcdContender.binary()).isEqualTo(Path.of("/opt/etcd/bin/etcd"));
      assertThat(ZooKeeperContender.jar()).isEqualTo(Path.of("/opt/zk/zookeeper.jar"));
      System.clearProperty(ZooKeeperContender.JAR_PROPERTY);
      assertThat(ZooKeeperContender.jar()).isEqualTo(ZooKeeperContender.DEBIAN_JAR);
    } finally {
      restore(EtcdContender.BINARY_PROPERTY, etcd);
      restore(ZooKeeperContender.JAR_PROPERTY, jar);
    }
  }

  @Test
  void baselines_otherSystems_preferTheNoFsyncContenderAndAppearOnlyWithRows() {
    TableSpec spec = new UncontendedWorkload().table(Profile.SMOKE.scale());

    assertThat(TextTable.baselines(results(spec, "holdfast", "etcd", "etcd-tmpfs", "zookeeper"), spec))
        .containsExactly("redisson", "raw", "etcd-tmpfs", "zookeeper");
    assertThat(TextTable.baselines(results(spec, "holdfast"), spec)).containsExactly("redisson", "raw");
    assertThat(TextTable.render(results(spec, "holdfast", "etcd"), spec, true))
        .contains("| cycles/s xetcd |", "| 2.00x |");
  }

  /**
   * The path of a machine without etcd and ZooKeeper: a run that selects them still succeeds, with a note for
   * each in its output and report, and measures the others.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void run_serversMissing_skipsThemWithANoteAndSucceeds() throws Exception {
    String etcd = System.getProperty(EtcdContender.BINARY_PROPERTY);
    String jar = System.getProperty(ZooKeeperContender.JAR_PROPERTY);
    StringWriter console = new StringWriter();
    try {
      System.setProperty(EtcdContender.BINARY_PROPERTY, MISSING.resolve("etcd").toString());
      System.setProperty(ZooKeeperContender.JAR_PROPERTY, MISSING.resolve("zookeeper.jar").toString());
      BenchSummary summary = Bench.run(new BenchConfig(Optional.empty(), out, Profile.SMOKE,
          List.of("uncontended"), List.of("raw", "etcd", "zookeeper")), new PrintWriter(console, true));

      assertThat(summary.exitCode()).as(console.toString()).isZero();
    } finally {
      restore(EtcdContender.BINARY_PROPERTY, etcd);
      restore(ZooKeeperContender.JAR_PROPERTY, jar);
    }
    assertThat(console.toString()).contains("note: contender etcd skipped: no etcd binary at /nonexistent",
        "note: contender zookeeper skipped: no ZooKeeper server jar at /nonexistent");
    String report = Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8);
    assertThat(report).contains("- note: contender etcd skipped", "- note: contender zookeeper skipped", "| raw |");
    assertThat(Files.readString(out.resolve("results.json"), StandardCharsets.UTF_8))
        .contains("\"contender\": \"raw\"").doesNotContain("\"contender\": \"etcd\"");
  }

  private static Results results(TableSpec spec, String... contenders) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < contenders.length; i++) {
      rows.add(new Row(spec.workload(), "W=1", contenders[i], Map.of("cycles_s", i == 0 ? 200.0 : 100.0)));
    }
    return new Results(Machine.describe("7.0.15", "test"), Profile.SMOKE, List.of(spec), rows, List.of(), 0,
        List.of());
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }
}
