/**
 * Fence guards: the resource's side of fencing, shipped so that no user has to write it. A write carries the
 * fencing token of the lease it was made under, and the resource applies it only if that token is at least the
 * highest it has accepted, refusing the late write of a holder whose lease ended while it was paused.
 *
 * <ul>
 *   <li>{@link io.holdfast.fence.RedisFence}: {@code SET}, {@code HSET} and {@code XADD} on data kept in Redis (the
 *       lock's Redis or another), one Lua script per write;</li>
 *   <li>{@link io.holdfast.fence.JdbcFence}: the fenced update (and insert-or-refuse) on a SQL table with a token
 *       column;</li>
 *   <li>for a resource living in one process, {@link io.holdfast.FenceGuard} in holdfast-core.</li>
 * </ul>
 *
 * Each returns a {@link io.holdfast.fence.FenceVerdict}. See docs/fencing.md.
 */
package io.holdfast.fence;
