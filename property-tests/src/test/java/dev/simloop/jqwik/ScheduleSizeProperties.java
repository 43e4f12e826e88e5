package dev.simloop.jqwik;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Schedule;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * A {@code @Size} on a {@code @ForAll Schedule} bounds its number of choices, as on a list. Before,
 * jqwik ignored it there, and schedules of up to 64 choices were generated, silently.
 */
class ScheduleSizeProperties {
    @Property(tries = 100, seed = "1")
    void atMostMaxChoices(@ForAll @Size(max = 3) Schedule schedule) {
        assertThat(schedule.size()).isLessThanOrEqualTo(3);
    }

    @Property(tries = 100, seed = "1")
    void exactlyTheValue(@ForAll @Size(2) Schedule schedule) {
        assertThat(schedule.size()).isEqualTo(2);
    }

    @Property(tries = 100, seed = "1")
    void fromMinToMax(@ForAll @Size(min = 5, max = 6) Schedule schedule) {
        assertThat(schedule.size()).isBetween(5, 6);
        assertThat(schedule.choices()).allSatisfy(c -> assertThat(c).isBetween(0, Schedules.DEFAULT_MAX_CHOICE));
    }
}
