package dev.simloop.internal;

import dev.simloop.CancelReason;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM cancel the root group of every real-mode loop that is running (as in
 * asyncbis), so shielded clean-up still runs. The handlers are installed while at least one real
 * loop runs and the previous ones are restored after the last one ends.
 */
final class Signals {
    private static final String[] NAMES = {"INT", "TERM"};
    private static final Set<Scheduler> LOOPS = ConcurrentHashMap.newKeySet();
    private static final SignalHandler[] previous = new SignalHandler[NAMES.length];

    private Signals() {
    }

    static synchronized void register(Scheduler loop) {
        if (LOOPS.isEmpty()) {
            for (int i = 0; i < NAMES.length; i++) {
                try {
                    previous[i] = Signal.handle(new Signal(NAMES[i]), sig -> {
                        for (Scheduler l : LOOPS) {
                            cancelRoot(l);
                        }
                    });
                } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
                    previous[i] = null; // the JVM reserves this signal (e.g. under -Xrs): leave it alone
                }
            }
        }
        LOOPS.add(loop);
    }

    /** Cancels {@code loop}'s root group, on its driver (posted from the signal handler's thread). */
    private static void cancelRoot(Scheduler loop) {
        loop.post(() -> {
            if (loop.rootGroup != null) {
                CancelScopeTree.cancel(loop, loop.rootGroup.scope, CancelReason.SIGNAL);
            } else if (loop.rootTask != null) {
                CancelScopeTree.cancel(loop, loop.rootTask.root, CancelReason.SIGNAL);
            }
        });
    }

    static synchronized void unregister(Scheduler loop) {
        LOOPS.remove(loop);
        if (LOOPS.isEmpty()) {
            for (int i = 0; i < NAMES.length; i++) {
                if (previous[i] != null) {
                    Signal.handle(new Signal(NAMES[i]), previous[i]);
                    previous[i] = null;
                }
            }
        }
    }
}
