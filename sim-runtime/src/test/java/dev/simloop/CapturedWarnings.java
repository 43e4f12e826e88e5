package dev.simloop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The WARNING messages the runtime logs on "dev.simloop" (its watchdog's slow-step and idle
 * warnings, a bad duration property) while it is open: for the tests of those messages.
 */
public final class CapturedWarnings implements AutoCloseable {
    /** How a slow-step warning starts: timing alone can add one to any real loop's run (a cold JVM's first NIO call, on a busy machine). */
    private static final Pattern SLOW_STEP = Pattern.compile("^task '[^']*' has held the loop for at least ");
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Logger log = Logger.getLogger("dev.simloop");
    /** A field, not a superclass: a public test class of an exported package must not show java.logging's types. */
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel() == Level.WARNING) {
                messages.add(r.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Starts capturing. */
    public CapturedWarnings() {
        log.addHandler(handler);
    }

    /** @return the messages so far */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** @return the messages so far but the slow-step warnings, for a test of some other warning */
    public List<String> withoutSlowSteps() {
        return messages.stream().filter(m -> !SLOW_STEP.matcher(m).find()).toList();
    }

    /** Stops capturing. */
    @Override
    public void close() {
        log.removeHandler(handler);
    }
}
