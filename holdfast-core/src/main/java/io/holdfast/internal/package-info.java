/**
 * Not an API: engine parts shared by Holdfast's own modules (the in-process {@link io.holdfast.internal.LockTable}
 * behind the library's {@code embedded:} backend and the lock service's in-memory store; {@link
 * io.holdfast.internal.Durations}, the one reader of typed durations). Applications use
 * {@link io.holdfast.Holdfast}; nothing here is stable across versions.
 */
package io.holdfast.internal;
