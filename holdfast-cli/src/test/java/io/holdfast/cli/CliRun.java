package io.holdfast.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/* One in-process run of the command line, with what it printed. */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = HoldfastCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** The first number after "label:" in the summary, e.g. summaryValue("acquisitions"). */
  long summaryValue(String label) {
    Matcher matcher = Pattern.compile("(?m)^\\s*" + Pattern.quote(label) + ":\\s+(\\d+)").matcher(out);
    if (!matcher.find()) {
      throw new AssertionError("no '" + label + ":' line in the output:\n" + out + "\nstderr:\n" + err);
    }
    return Long.parseLong(matcher.group(1));
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
