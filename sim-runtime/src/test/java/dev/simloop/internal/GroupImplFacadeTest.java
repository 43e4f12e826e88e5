package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simloop.Simulation;
import org.junit.jupiter.api.Test;

/** A group's public face is set once, by the API layer; a second set is refused. */
class GroupImplFacadeTest {

    @Test
    void theFacadeIsSetOnceAndASecondSetIsRefused() {
        Object face = Simulation.run(1, () -> {
            GroupImpl g = GroupImpl.open("test");
            assertThat(g.facade()).isNull();
            g.setFacade("face");
            assertThatThrownBy(() -> g.setFacade("other")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("set already");
            return g.run(g::facade);
        }).value();
        assertThat(face).isEqualTo("face");
    }
}
