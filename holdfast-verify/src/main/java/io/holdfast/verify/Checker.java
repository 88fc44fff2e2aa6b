package io.holdfast.verify;

/* One property of a history. Each checker is pure: it reads the history and reports, so it is unit-tested on
 * hand-written histories as well as run on recorded ones. */
interface Checker {
  CheckResult check(History history);
}
