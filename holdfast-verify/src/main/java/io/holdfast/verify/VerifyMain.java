package io.holdfast.verify;

import picocli.CommandLine;

/**
 * Runs {@link VerifyCommand} on its own, outside the {@code holdfast} CLI:
 * {@code java -cp <class path> io.holdfast.verify.VerifyMain [options]}.
 */
public final class VerifyMain {
  private VerifyMain() { }

  /**
   * Runs the command and exits with its code.
   *
   * @param args the command-line options
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new VerifyCommand()).execute(args));
  }
}
