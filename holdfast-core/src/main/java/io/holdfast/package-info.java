/**
 * Holdfast: distributed locks with fencing tokens. Start at {@link io.holdfast.Holdfast}.
 *
 * <p>Only the types declared public here are API; everything else in this package is package-private.
 */
package io.holdfast;
