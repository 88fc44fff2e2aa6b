/**
 * The service-provider interface for lock backends: what a backend (Redis, the embedded store, the lock service
 * client) implements so that the Holdfast client can drive it. Applications use {@link io.holdfast} instead.
 */
package io.holdfast.spi;
