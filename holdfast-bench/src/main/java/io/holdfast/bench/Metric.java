package io.holdfast.bench;

/**
 * One column of a result table.
 *
 * @param key the key in {@link Row#metrics()} and in the JSON and CSV files
 * @param header the column header, with its unit
 * @param decimals digits after the point when printed
 */
record Metric(String key, String header, int decimals) { }
