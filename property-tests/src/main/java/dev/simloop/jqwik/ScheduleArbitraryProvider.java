package dev.simloop.jqwik;

import dev.simloop.Schedule;
import java.util.Set;
import net.jqwik.api.Arbitrary;
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

    @Override
    public Set<Arbitrary<?>> provideFor(TypeUsage targetType, SubtypeProvider subtypeProvider) {
        return Set.of(Schedules.schedules());
    }
}
