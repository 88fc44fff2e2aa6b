package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.Test;

class SharedClientResourcesTest {

  @Test
  void acquire_twice_returnsOneInstanceUntilTheLastRelease() {
    int before = SharedClientResources.users();
    ClientResources first = SharedClientResources.acquire();
    ClientResources second = SharedClientResources.acquire();
    try {
      assertThat(second).isSameAs(first);
      assertThat(SharedClientResources.users()).isEqualTo(before + 2);
    } finally {
      SharedClientResources.release(first);
      SharedClientResources.release(second);
    }
    assertThat(SharedClientResources.users()).isEqualTo(before);
  }

  @Test
  void release_ofTheLastUser_shutsDownAndTheNextAcquireMakesAFreshOne() {
    // Unit tests open no Redis client, and every test here gives back what it takes: so no one else holds it.
    assertThat(SharedClientResources.users()).as("clients left open by earlier tests in this JVM").isZero();
    ClientResources first = SharedClientResources.acquire();
    SharedClientResources.release(first);
    ClientResources next = SharedClientResources.acquire();
    try {
      assertThat(next).isNotSameAs(first);
      assertThat(first.eventExecutorGroup().isShuttingDown()).isTrue();
      assertThat(next.eventExecutorGroup().isShuttingDown()).isFalse();
    } finally {
      SharedClientResources.release(next);
    }
  }

  @Test
  void release_ofPrivateResources_shutsThemDown() {
    ClientResources own = LettuceSetup.resources();
    int before = SharedClientResources.users();

    SharedClientResources.release(own);

    assertThat(own.eventExecutorGroup().isShuttingDown()).isTrue();
    assertThat(SharedClientResources.users()).isEqualTo(before);
  }
}
