package dev.simloop.internal;

/**
 * Start-up work taken off the first run's path (issue 15: a fresh JVM's first simulation). Two
 * pieces of a first run are the JDK's own start-up and need nothing from the caller: the virtual
 * thread machinery ({@code java.lang.VirtualThread}'s initialization, and the handles
 * {@link VirtualThreads} makes on it), and the JDK's logging, which every run consults once
 * ({@link TaskLog#enabled()}: the first {@code System.getLogger} of a JVM starts its
 * {@code LoggerFinder}, and {@code java.util.logging} behind it). Together they cost more than the
 * rest of a first run. So when {@code Simulation} or the loop class is first used, two short-lived
 * daemon threads do them while the caller goes on with what it must do itself (loading the rest of
 * the runtime, starting its driver), the way Spring Boot's background pre-initializer does; the
 * caller waits only for what the warm-up has not finished when it gets there (the JVM's class
 * initialization lock). The run still asks the logger itself, once, when it starts, so what is
 * logged, and when, is as it was; a failure here is left for the caller's own call to meet.
 */
public final class WarmUp {
    private static boolean started;

    private WarmUp() {
    }

    /** Starts the warm-up, once per JVM. */
    public static synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        new WarmUpThread(LOGGING).start(); // the longer of the two, needed later: both at once, where cores allow
        new WarmUpThread(VIRTUAL_THREADS).start();
    }

    /** What a warm-up thread does. */
    private static final int VIRTUAL_THREADS = 0;
    private static final int LOGGING = 1;

    /**
     * A plain daemon thread that inherits no inheritable thread locals (no builder, no lambda: they
     * too would load classes). A problem it meets is left alone: the caller's own call meets it, and
     * reports it as it always has.
     */
    private static final class WarmUpThread extends Thread {
        private final int work;

        WarmUpThread(int work) {
            super(null, null, "simloop-warm-up", 0, false);
            this.work = work;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                if (work == VIRTUAL_THREADS) {
                    VirtualThreads.internalsAvailable(); // the class's initialization: the JDK's, and our handles
                } else {
                    System.getLogger(TaskLog.NAME).isLoggable(System.Logger.Level.DEBUG);
                }
            } catch (Throwable e) {
                // see the class comment
            }
        }
    }
}
