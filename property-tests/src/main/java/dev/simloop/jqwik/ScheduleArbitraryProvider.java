package dev.simloop.jqwik;

import dev.simloop.Schedule;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.providers.ArbitraryProvider;
import net.jqwik.api.providers.TypeUsage;

/** Default jqwik provider so that {@code @ForAll Schedule} works without setup. */
public final class ScheduleArbitraryProvider implements ArbitraryProvider {
    /** Creates the provider; jqwik does, through {@link java.util.ServiceLoader}. */
    public ScheduleArbitraryProvider() {
    }

    @Override
    public boolean canProvideFor(TypeUsage targetType) {
        return targetType.isOfType(Schedule.class);
    }

    /**
     * {@inheritDoc} A {@code @Size} on the parameter bounds the number of choices, as it bounds a
     * list's elements: {@code @Size(max = 8)}, {@code @Size(min = 2, max = 8)}, {@code @Size(4)}.
     * Before, jqwik ignored it here (the arbitrary is no list), and schedules of up to
     * {@value Schedules#DEFAULT_MAX_LENGTH} choices ran, silently.
     */
    @Override
    public Set<Arbitrary<?>> provideFor(TypeUsage targetType, SubtypeProvider subtypeProvider) {
        return Set.of(targetType.findAnnotation(Size.class).map(ScheduleArbitraryProvider::sized)
                .orElseGet(Schedules::schedules));
    }

    /** @return schedules with as many choices as {@code size} allows: {@code value} exactly, else {@code min} to {@code max} */
    private static Arbitrary<Schedule> sized(Size size) {
        if (size.value() != 0) {
            return Schedules.schedules(size.value(), size.value(), Schedules.DEFAULT_MAX_CHOICE);
        }
        int max = size.max() != 0 ? size.max() : Math.max(size.min(), Schedules.DEFAULT_MAX_LENGTH);
        return Schedules.schedules(size.min(), max, Schedules.DEFAULT_MAX_CHOICE);
    }
}
