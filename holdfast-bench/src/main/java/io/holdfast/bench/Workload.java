package io.holdfast.bench;

import java.util.List;

/** One workload of issue 5: runs every contender it applies to and returns one row per contender and variant. */
interface Workload {
  /** The name used on the command line and in result files. */
  String name();

  /** How its rows are shown. */
  TableSpec table(Scale scale);

  /**
   * Runs the workload.
   *
   * @param context the server, probe and sizes
   * @param contenders the contenders to run, in the order of the run
   * @return the rows
   * @throws Exception when the workload cannot run at all (a contender cannot connect)
   */
  List<Row> run(BenchContext context, List<Contender> contenders) throws Exception;
}
