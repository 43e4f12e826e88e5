package dev.simloop.bench;

import dev.simloop.Loop;
import dev.simloop.Monitor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Benchmark 7: one {@link Monitor} out-of-band round trip (the driver resumes the body with
 * {@code send}, the body hands the next value out with {@code oob}), in ns per round trip, against
 * {@link TaskSwitchBench#continuationYield} in the same run: one raw continuation switch (a resume
 * and a yield). The target is at most 3 raw switches per round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MonitorBench {
    /** Round trips per invocation. */
    public static final int TRIPS = 20_000;

    /** A run whose body answers every value with the next: it never finishes. */
    @State(Scope.Thread)
    public static class Echo {
        Monitor.Run<Long, Long, Void> run;

        @Setup(Level.Trial)
        public void setup() {
            Monitor<Long, Long> m = new Monitor<>();
            run = m.start(() -> {
                long n = 0;
                for (;;) {
                    n = m.oob(n + 1);
                }
            });
            run.next();
        }
    }

    /** Round trips driven from a plain thread, outside any loop. */
    @Benchmark
    @OperationsPerInvocation(TRIPS)
    public long oobRoundTrip(Echo s) {
        return oobRoundTrip(s, TRIPS);
    }

    static long oobRoundTrip(Echo s, int trips) {
        long v = 0;
        for (int i = 0; i < trips; i++) {
            v = s.run.send(v).oob();
        }
        return v;
    }

    /** Round trips driven from a task of a real loop: the body is nested in the task's own continuation. */
    @Benchmark
    @OperationsPerInvocation(TRIPS)
    public long oobRoundTripInTask() {
        return oobRoundTripInTask(TRIPS);
    }

    static long oobRoundTripInTask(int trips) {
        return Loop.run(() -> {
            Echo s = new Echo();
            s.setup();
            return oobRoundTrip(s, trips);
        });
    }
}
