package dev.simloop.vt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simloop.Loop;
import dev.simloop.SimResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The clocks inside simulated tasks read the loop clock; everywhere else they stay real. */
class VirtualClocksTest {
    /** What the virtual clock's 0 stands for (docs/simulation.md). */
    private static final Instant EPOCH = Instant.parse("2025-01-01T00:00:00Z");
    /** Any real reading is after this (the library was written later). */
    private static final Instant SURELY_PAST = Instant.parse("2025-06-01T00:00:00Z");

    @Test
    void nanoTimeDifferencesAreVirtualDurations() {
        SimResult<List<Long>> r = Sim.ok(() -> {
            long start = System.nanoTime();
            Loop.sleep(Duration.ofMillis(1500));
            long afterLoopSleep = System.nanoTime();
            Thread.sleep(Duration.ofHours(1));
            return List.of(afterLoopSleep - start, System.nanoTime() - afterLoopSleep, System.nanoTime() - Loop.nanoTime());
        });
        assertThat(r.value()).containsExactly(1_500_000_000L, 3_600_000_000_000L, 1_000_000_000_000L);
        assertThat(r.virtualTime()).isEqualTo(Duration.ofMillis(1500).plusHours(1));
    }

    @Test
    void wallClockReadsAreTheVirtualInstant() {
        SimResult<List<Object>> r = Sim.ok(() -> {
            Loop.sleep(Duration.ofSeconds(90));
            return List.of(System.currentTimeMillis(), Instant.now(), Clock.systemUTC().instant(),
                    Clock.systemDefaultZone().millis(), LocalDateTime.now(ZoneOffset.UTC),
                    ZonedDateTime.now(Clock.systemUTC()), new Date().getTime(),
                    new GregorianCalendar().getTimeInMillis(), java.util.Calendar.getInstance().getTimeInMillis(),
                    java.time.Year.now(ZoneOffset.UTC), java.time.YearMonth.now(ZoneOffset.UTC),
                    java.time.MonthDay.now(ZoneOffset.UTC), Clock.tickMillis(ZoneOffset.UTC).instant(),
                    Clock.tickSeconds(ZoneOffset.UTC).instant());
        });
        Instant at = EPOCH.plusSeconds(90);
        assertThat(r.value()).containsExactly(at.toEpochMilli(), at, at, at.toEpochMilli(),
                LocalDateTime.ofInstant(at, ZoneOffset.UTC), ZonedDateTime.ofInstant(at, ZoneOffset.UTC),
                at.toEpochMilli(), at.toEpochMilli(), at.toEpochMilli(), java.time.Year.of(2025),
                java.time.YearMonth.of(2025, 1), java.time.MonthDay.of(1, 1), at, at);
    }

    /** Sleeps, as a method reference can stand for Thread.sleep. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /**
     * A method reference to a clock or a sleep (an injectable clock: {@code LongSupplier clock =
     * System::nanoTime}) is rewritten as a call is. Before, it read the real clock inside a task, and
     * {@code Thread::sleep} failed as an unrewritten timed wait.
     */
    @Test
    void methodReferencesToClocksAndSleepsAreVirtualTooAndRealOutside() {
        java.util.function.LongSupplier nanos = System::nanoTime;
        java.util.function.LongSupplier millis = System::currentTimeMillis;
        java.util.function.Supplier<Instant> now = Instant::now;
        java.util.function.Supplier<Clock> utc = Clock::systemUTC;
        Sleeper sleeper = Thread::sleep;
        SimResult<List<Object>> r = Sim.ok(() -> {
            sleeper.sleep(300);
            return List.of(nanos.getAsLong() - Loop.nanoTime(), millis.getAsLong(), now.get(), utc.get().instant(),
                    java.time.InstantSource.system().instant(), java.time.InstantSource.system().millis());
        });
        Instant at = EPOCH.plusMillis(300);
        assertThat(r.value()).containsExactly(1_000_000_000_000L, at.toEpochMilli(), at, at, at, at.toEpochMilli());
        assertThat(r.virtualTime()).isEqualTo(Duration.ofMillis(300));
        assertThat(now.get()).isAfter(SURELY_PAST); // outside any task: real
        assertThat(Instant.ofEpochMilli(millis.getAsLong())).isAfter(SURELY_PAST);
    }

    /** Round-trips {@code o} through Java serialization. */
    private static Object roundTrip(Object o) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }

    /**
     * A serializable method reference names its method in its serial form, which the capturing class
     * checks as it reads it back: it is left as it is (real time), so that it still deserializes. The
     * agent's clocks serialize as the JDK's system clocks, as a program without the agent would have.
     */
    @Test
    void serializableMethodReferencesAndTheSystemClocksStillSerialize() throws Exception {
        java.util.function.LongSupplier nanos = (java.util.function.LongSupplier & java.io.Serializable) System::nanoTime;
        assertThat(((java.util.function.LongSupplier) roundTrip(nanos)).getAsLong()).isPositive();
        Object utc = roundTrip(Clock.systemUTC());
        assertThat(utc.getClass().getName()).isEqualTo("java.time.Clock$SystemClock"); // the JDK's own
        assertThat(((Clock) utc).getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(((java.time.InstantSource) roundTrip(java.time.InstantSource.system())).instant()).isAfter(SURELY_PAST);
        java.util.function.Supplier<java.time.InstantSource> source = java.time.InstantSource::system;
        SimResult<Instant> r = Sim.ok(() -> {
            Loop.sleep(Duration.ofHours(1));
            return source.get().instant();
        });
        assertThat(r.value()).isEqualTo(EPOCH.plus(Duration.ofHours(1)));
    }

    @Test
    void aSystemClockKeptInAFieldReadsWhicheverTimeItsReaderLivesIn() {
        Clock kept = Clock.systemUTC(); // obtained outside any task
        SimResult<Instant> r = Sim.ok(() -> {
            Loop.sleep(Duration.ofSeconds(3));
            return kept.instant();
        });
        assertThat(r.value()).isEqualTo(EPOCH.plusSeconds(3));
        assertThat(kept.instant()).isAfter(SURELY_PAST);
    }

    @Test
    void outsideSimulatedTasksTimeIsReal() throws Exception {
        assertThat(Instant.now()).isAfter(SURELY_PAST);
        assertThat(System.currentTimeMillis()).isGreaterThan(SURELY_PAST.toEpochMilli());
        // a real-mode loop's task, and a thread a simulated task's program hands work to, see real time
        Instant inRealLoop = Loop.run(Instant::now);
        assertThat(inRealLoop).isAfter(SURELY_PAST);
        AtomicReference<Instant> offloaded = new AtomicReference<>();
        SimResult<Instant> r = Sim.ok(() -> {
            offloaded.set(Loop.toThread(Instant::now));
            return Instant.now();
        });
        assertThat(r.value()).isEqualTo(EPOCH);
        assertThat(offloaded.get()).isAfter(SURELY_PAST);
    }

    /**
     * A subclass of {@code Clock} that calls {@code systemUTC()} unqualified: javac names the subclass
     * as the call's owner ({@code invokestatic AdjustableClock.systemUTC}), and the call is rewritten
     * all the same, as {@code Thread.sleep} is in a subclass of {@code Thread}.
     */
    static final class AdjustableClock extends Clock {
        private final Clock base;
        private final Duration offset;

        AdjustableClock(Duration offset) {
            this(systemUTC(), offset);
        }

        AdjustableClock(Clock base, Duration offset) {
            this.base = base;
            this.offset = offset;
        }

        static List<Clock> unqualifiedSystemClocks() {
            return List.of(systemUTC(), system(ZoneOffset.UTC), systemDefaultZone());
        }

        @Override
        public java.time.ZoneId getZone() {
            return base.getZone();
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return new AdjustableClock(base.withZone(zone), offset);
        }

        @Override
        public Instant instant() {
            return base.instant().plus(offset);
        }
    }

    @Test
    void aClockSubclassCallingTheSystemClocksUnqualifiedReadsTheVirtualClock() {
        SimResult<List<Instant>> r = Sim.ok(() -> {
            Loop.sleep(Duration.ofSeconds(5));
            List<Instant> out = new java.util.ArrayList<>();
            out.add(new AdjustableClock(Duration.ofMinutes(1)).instant());
            for (Clock c : AdjustableClock.unqualifiedSystemClocks()) {
                out.add(c.instant());
            }
            return out;
        });
        Instant at = EPOCH.plusSeconds(5);
        assertThat(r.value()).containsExactly(at.plusSeconds(60), at, at, at);
        assertThat(new AdjustableClock(Duration.ZERO).instant()).as("real outside tasks").isAfter(SURELY_PAST);
    }

    @Test
    void theOtherCalendarSystemsDatesAreTheVirtualDate() {
        SimResult<List<Object>> r = Sim.ok(() -> {
            Loop.sleep(Duration.ofDays(40));
            java.time.LocalDate today = java.time.LocalDate.now(); // the default zone's, as the ones below
            List<Object> out = new java.util.ArrayList<>(List.of(
                    java.time.chrono.JapaneseDate.now().equals(java.time.chrono.JapaneseDate.from(today)),
                    java.time.chrono.HijrahDate.now().equals(java.time.chrono.HijrahDate.from(today)),
                    java.time.chrono.MinguoDate.now().equals(java.time.chrono.MinguoDate.from(today)),
                    java.time.chrono.ThaiBuddhistDate.now().equals(java.time.chrono.ThaiBuddhistDate.from(today)),
                    java.time.chrono.IsoChronology.INSTANCE.dateNow().equals(today),
                    java.time.chrono.JapaneseChronology.INSTANCE.dateNow().equals(java.time.chrono.JapaneseDate.from(today))));
            out.addAll(List.of(java.time.chrono.JapaneseDate.now(ZoneOffset.UTC),
                    java.time.chrono.HijrahDate.now(ZoneOffset.UTC), java.time.chrono.MinguoDate.now(ZoneOffset.UTC),
                    java.time.chrono.ThaiBuddhistDate.now(ZoneOffset.UTC),
                    java.time.chrono.Chronology.of("ISO").dateNow(ZoneOffset.UTC),
                    java.time.chrono.MinguoChronology.INSTANCE.dateNow(ZoneOffset.UTC),
                    java.time.chrono.ThaiBuddhistChronology.INSTANCE.dateNow(ZoneOffset.UTC),
                    java.time.chrono.HijrahChronology.INSTANCE.dateNow(ZoneOffset.UTC)));
            return out;
        });
        java.time.LocalDate day = java.time.LocalDate.of(2025, 2, 10);
        assertThat(r.value()).containsExactly(true, true, true, true, true, true,
                java.time.chrono.JapaneseDate.from(day), java.time.chrono.HijrahDate.from(day),
                java.time.chrono.MinguoDate.from(day), java.time.chrono.ThaiBuddhistDate.from(day), day,
                java.time.chrono.MinguoDate.from(day), java.time.chrono.ThaiBuddhistDate.from(day),
                java.time.chrono.HijrahDate.from(day));
        assertThat(java.time.chrono.JapaneseDate.now(ZoneOffset.UTC).isAfter(java.time.chrono.JapaneseDate.from(day)))
                .as("real outside tasks").isTrue();
    }
}
