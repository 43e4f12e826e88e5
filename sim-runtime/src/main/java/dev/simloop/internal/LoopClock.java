package dev.simloop.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The loop's clock: virtual in a simulation (starts at 0, moves only when the loop jumps it to the
 * next timer), the wall clock in real mode (nanos since the loop started). Everything that reads
 * time in the runtime reads it here.
 */
abstract class LoopClock {
    /**
     * The instant that virtual time 0 maps to, fixed so that simulated wall-clock reads replay:
     * 2025-01-01T00:00:00Z, written in epoch seconds because parsing the text would load the JDK's
     * date-time formatting on every program's first run.
     */
    static final Instant VIRTUAL_EPOCH = Instant.ofEpochSecond(1_735_689_600L);

    /** @return loop-clock nanos */
    abstract long now();

    /** @return the wall instant that loop-clock 0 corresponds to */
    abstract Instant origin();

    abstract boolean isVirtual();

    /**
     * A {@link java.time.Clock} view for code that wants instants. Made by the view's own factory:
     * returning a {@code new JavaClockView} from here would make the verifier load it, and
     * {@code java.time.Clock}, with this class, on every program's first run (issue 15).
     */
    Clock asJavaClock() {
        return JavaClockView.of(this);
    }

    static final class Virtual extends LoopClock {
        // Invariant: never decreases; changed only by the driver via advanceTo.
        private long now;

        @Override
        long now() {
            return now;
        }

        void advanceTo(long t) {
            if (t < now) {
                throw new IllegalStateException("virtual time cannot go backwards: " + now + " -> " + t);
            }
            now = t;
        }

        @Override
        Instant origin() {
            return VIRTUAL_EPOCH;
        }

        @Override
        boolean isVirtual() {
            return true;
        }
    }

    static final class Wall extends LoopClock {
        private final long startNanos = System.nanoTime();
        private final Instant origin = Instant.now();

        @Override
        long now() {
            return System.nanoTime() - startNanos;
        }

        @Override
        Instant origin() {
            return origin;
        }

        @Override
        boolean isVirtual() {
            return false;
        }
    }

    private static final class JavaClockView extends Clock {
        private final LoopClock clock;
        private final ZoneId zone;

        JavaClockView(LoopClock clock, ZoneId zone) {
            this.clock = clock;
            this.zone = zone;
        }

        static Clock of(LoopClock clock) {
            return new JavaClockView(clock, ZoneOffset.UTC);
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId z) {
            return new JavaClockView(clock, z);
        }

        @Override
        public Instant instant() {
            return clock.origin().plusNanos(clock.now());
        }

        @Override
        public String toString() {
            return "simloop " + (clock.isVirtual() ? "virtual" : "wall") + " clock";
        }
    }
}
