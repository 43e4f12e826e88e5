package dev.simloop.junit;

import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
     * (what it threw suppressed), its interrupt cleared, as JUnit's own timeout does.
     */
    static void run(Method m, Limit limit, Call call) throws Throwable {
        Watch watch = new Watch(Thread.currentThread());
        java.util.concurrent.ScheduledFuture<?> alarm = Timer.TIMER.schedule(watch::fire, limit.amount(), limit.unit());
        Throwable thrown = null;
        try {
            call.run();
        } catch (Throwable t) {
            thrown = t;
        } finally {
            alarm.cancel(false);
        }
        if (watch.finish()) {
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

    /** Interrupts a thread when its time is up, unless the call it times finished first. */
    private static final class Watch {
        private final Thread thread;
        private boolean done;
        private boolean fired;

        Watch(Thread thread) {
            this.thread = thread;
        }

        synchronized void fire() {
            if (!done) {
                fired = true;
                thread.interrupt();
            }
        }

        /** @return whether the time ran out before the call finished */
        synchronized boolean finish() {
            done = true;
            return fired;
        }
    }

    /** The one timer thread, made when a lifecycle method with a timeout first runs. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "simloop-lifecycle-timeout");
            t.setDaemon(true);
            return t;
        });

        static {
            TIMER.setRemoveOnCancelPolicy(true);
        }

        private Timer() {
        }
    }
}
