package dev.simloop.junit;

import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The timeouts of the {@code @BeforeEach} and {@code @AfterEach} methods that the extension calls
 * itself, around every schedule after the first (JUnit calls those of the first, and enforces their
 * timeouts; it never sees the others): a method's own {@code @Timeout}, else the configuration
 * parameters {@code junit.jupiter.execution.timeout.beforeeach.method.default} (or
 * {@code aftereach}), {@code junit.jupiter.execution.timeout.lifecycle.method.default} and
 * {@code junit.jupiter.execution.timeout.default}, as JUnit reads them; none when
 * {@code junit.jupiter.execution.timeout.mode} turns timeouts off. A method that runs past its
 * timeout has its thread interrupted, as JUnit's default thread mode does, and then fails with a
 * {@link TimeoutException} that names it, what it threw attached.
 */
final class LifecycleTimeouts {
    private static final String PREFIX = "junit.jupiter.execution.timeout.";
    /** A timeout as JUnit's configuration parameters write it: {@code 5}, {@code 5 s}, {@code 100ms}. */
    private static final Pattern DURATION = Pattern.compile("([1-9]\\d*) ?((?:[n\u03bcm]?s)|m|h|d)?",
            Pattern.CASE_INSENSITIVE);

    /** A timeout: how long, in what unit (as the annotation or the parameter wrote it, for the message). */
    record Limit(long amount, TimeUnit unit) {
        @Override
        public String toString() {
            String name = unit.name().toLowerCase(Locale.ROOT);
            return amount + " " + (amount == 1 ? name.substring(0, name.length() - 1) : name);
        }
    }

    private LifecycleTimeouts() {
    }

    /**
     * @param m a {@code @BeforeEach} or {@code @AfterEach} method
     * @param params the configuration parameters
     * @return the timeout JUnit would give {@code m}, or null for none
     */
    static Limit of(Method m, Function<String, Optional<String>> params) {
        String mode = params.apply(PREFIX + "mode").map(s -> s.strip().toLowerCase(Locale.ROOT)).orElse("enabled");
        if (mode.equals("disabled") || mode.equals("disabled_on_debug") && debugging()) {
            return null;
        }
        Optional<Timeout> own = AnnotationSupport.findAnnotation(m, Timeout.class);
        if (own.isPresent()) {
            return own.get().value() > 0 ? new Limit(own.get().value(), own.get().unit()) : null;
        }
        String kind = AnnotationSupport.isAnnotated(m, BeforeEach.class) ? "beforeeach"
                : AnnotationSupport.isAnnotated(m, AfterEach.class) ? "aftereach" : null;
        for (String key : new String[] {kind == null ? null : kind + ".method.default", "lifecycle.method.default",
                "default"}) {
            Optional<String> value = key == null ? Optional.empty() : params.apply(PREFIX + key);
            if (value.isPresent()) {
                // a value JUnit cannot read, it ignores (with a warning) and goes on to the next: so does this
                Limit limit = parse(value.get());
                if (limit != null) {
                    return limit;
                }
            }
        }
        return null;
    }

    /** @return the timeout that {@code text} writes, as JUnit reads it (seconds when it names no unit), or null */
    static Limit parse(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        return new Limit(amount, switch (unit) {
            case "ns" -> TimeUnit.NANOSECONDS;
            case "\u03bcs" -> TimeUnit.MICROSECONDS;
            case "ms" -> TimeUnit.MILLISECONDS;
            case "m" -> TimeUnit.MINUTES;
            case "h" -> TimeUnit.HOURS;
            case "d" -> TimeUnit.DAYS;
            default -> TimeUnit.SECONDS;
        });
    }

    private static boolean debugging() {
        return ProcessHandle.current().info().arguments().map(args -> java.util.Arrays.stream(args)
                .anyMatch(a -> a.startsWith("-agentlib:jdwp") || a.startsWith("-Xrunjdwp"))).orElse(false);
    }

    /** What calls a lifecycle method, its exceptions thrown unchanged. */
    interface Call {
        void run() throws Throwable;
    }

    /**
     * Runs {@code call}, the method {@code m}, within {@code limit}: past it, the thread is
     * interrupted, and when the call has returned or thrown, it fails with a {@link TimeoutException}
     * (what it threw suppressed), its interrupt cleared, as JUnit's own timeout does. Arming and
     * disarming the calling thread's {@link Watch} writes two fields: a timer task scheduled and
     * cancelled per call woke the timer's thread at every schedule of every test run with a default
     * timeout, which a test run of small schedules would pay for in every one.
     */
    static void run(Method m, Limit limit, Call call) throws Throwable {
        Watch watch = Watch.OF_THREAD.get();
        watch.arm(limit.unit().toNanos(limit.amount()));
        Throwable thrown = null;
        try {
            call.run();
        } catch (Throwable t) {
            thrown = t;
        }
        if (watch.disarm()) {
            Thread.interrupted();
            TimeoutException timedOut = new TimeoutException(m.getName() + "() timed out after " + limit
                    + " (a lifecycle method of " + m.getDeclaringClass().getName() + ", which simloop calls around"
                    + " every schedule after the first, with the timeout JUnit gives it)");
            if (thrown != null) {
                timedOut.addSuppressed(thrown);
            }
            throw timedOut;
        }
        if (thrown != null) {
            throw thrown;
        }
    }

    /**
     * A thread's timed call: the deadline it runs to while armed. One per thread that calls lifecycle
     * methods with a timeout, all looked at by one daemon thread ({@link Watcher}), which interrupts
     * the thread of a call past its deadline.
     */
    private static final class Watch {
        static final ThreadLocal<Watch> OF_THREAD = ThreadLocal.withInitial(() -> Watcher.register(new Watch()));

        private final Thread thread = Thread.currentThread();
        /** Guarded by this. */
        private boolean armed;
        private boolean fired;
        private long deadline;

        /** @param nanos how long the call may take */
        void arm(long nanos) {
            synchronized (this) {
                deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
                armed = true;
                fired = false;
            }
            Watcher.lookEvery(nanos);
        }

        /** @return whether the time ran out before the call finished */
        synchronized boolean disarm() {
            armed = false;
            return fired;
        }

        /** Interrupts the thread if its call is past its deadline. @return whether the thread has ended */
        synchronized boolean look(long now) {
            if (armed && !fired && now - deadline >= 0) {
                fired = true;
                thread.interrupt();
            }
            return !thread.isAlive();
        }
    }

    /**
     * The daemon thread that looks at every {@link Watch}, made when a lifecycle method with a timeout
     * first runs. It looks at a tenth of the shortest timeout seen (so a call is interrupted at most
     * that late), at least every millisecond and at most every second.
     */
    private static final class Watcher {
        private static final java.util.concurrent.ConcurrentLinkedQueue<Watch> WATCHES =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        private static volatile long period = TimeUnit.SECONDS.toNanos(1);
        private static final Thread THREAD = new Thread(Watcher::watch, "simloop-lifecycle-timeout");

        static {
            THREAD.setDaemon(true);
            THREAD.start();
        }

        private Watcher() {
        }

        static Watch register(Watch w) {
            WATCHES.add(w);
            return w;
        }

        static void lookEvery(long timeoutNanos) {
            long wanted = Math.max(TimeUnit.MILLISECONDS.toNanos(1), timeoutNanos / 10);
            if (wanted < period) {
                synchronized (Watcher.class) {
                    if (wanted < period) { // (another thread may have lowered it further meanwhile)
                        period = wanted;
                        java.util.concurrent.locks.LockSupport.unpark(THREAD); // it may sleep for the longer one
                    }
                }
            }
        }

        private static void watch() {
            for (;;) {
                java.util.concurrent.locks.LockSupport.parkNanos(period);
                long now = System.nanoTime();
                WATCHES.removeIf(w -> w.look(now)); // a watch of a thread that ended is dropped
            }
        }
    }
}
