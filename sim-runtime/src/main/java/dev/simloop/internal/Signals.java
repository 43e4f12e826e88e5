package dev.simloop.internal;

import dev.simloop.CancelReason;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SIGINT and SIGTERM cancel the root group of every real-mode loop that is running (as in
 * asyncbis), so shielded clean-up still runs. The handlers are installed while at least one real
 * loop runs and the previous ones are restored after the last one ends, or at the first signal, so
 * that a second one ends the JVM as it would without simloop. Once the last loop has ended after
 * a SIGTERM, that signal is raised again for the handler it was kept from: the JVM's own ends the
 * process (status 143, after the shutdown hooks) as it would have at once without simloop, also
 * when a non-daemon thread would keep the JVM alive; an application's own handler gets it as it
 * would have. A SIGINT (Ctrl-C) is raised again only for an application's own handler: where the
 * JVM's would have exited, it ends the run, like KeyboardInterrupt out of asyncio.run or trio.run,
 * and the program goes on (a tool whose Ctrl-C cancels one command). A signal the process was
 * started with ignored (SIGINT in a background job of a non-interactive shell) stays ignored: the
 * JVM would accept a handler for it and never call it.
 *
 * <p>The JDK's {@code sun.misc.Signal} and {@code sun.misc.SignalHandler} (module
 * {@code jdk.unsupported}, kept for exactly this use by JEP 260) are reached through method handles
 * instead of being named in the source: javac reports every mention of them as "internal
 * proprietary API", a warning no {@code -Xlint} category or {@code @SuppressWarnings} turns off, and
 * the build compiles with {@code -Werror}. The calls are the same ones.
 */
final class Signals {
    private static final String[] NAMES = {"INT", "TERM"};
    private static final Set<Scheduler> LOOPS = ConcurrentHashMap.newKeySet();
    /** The handlers we replaced (sun.misc.SignalHandler instances), restored by the last unregister. */
    private static final Object[] previous = new Object[NAMES.length];

    /** {@code new sun.misc.Signal(String)}, as {@code (String)Object}. */
    private static final MethodHandle NEW_SIGNAL;
    /** {@code sun.misc.Signal.handle(Signal, SignalHandler)}, as {@code (Object, Object)Object}. */
    private static final MethodHandle HANDLE;
    /** Our {@code sun.misc.SignalHandler}: cancels the root group of every real loop. */
    private static final Object HANDLER;
    /** {@code sun.misc.SignalHandler.SIG_IGN}: what {@code handle} returns for a signal the process ignores. */
    private static final Object IGNORED;
    /** {@code sun.misc.Signal.getName()}, as {@code (Object)String}. */
    private static final MethodHandle NAME;
    /** {@code sun.misc.Signal.raise(Signal)}, as {@code (Object)void}. */
    private static final MethodHandle RAISE;
    /**
     * The signal to raise again once the last loop has ended, or null: a SIGTERM (it asks the process
     * to end), or a SIGINT that an application's own handler was kept from. A SIGINT that the JVM's
     * own handler would have taken (it exits) is not: Ctrl-C ends the run, and the program goes on.
     */
    private static String toRaiseAgain;

    static {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            NEW_SIGNAL = lookup.findConstructor(signal, MethodType.methodType(void.class, String.class))
                    .asType(MethodType.methodType(Object.class, String.class));
            HANDLE = lookup.findStatic(signal, "handle", MethodType.methodType(handler, signal, handler))
                    .asType(MethodType.methodType(Object.class, Object.class, Object.class));
            MethodHandle onSignal = MethodHandles.lookup()
                    .findStatic(Signals.class, "onSignal", MethodType.methodType(void.class, Object.class))
                    .asType(MethodType.methodType(void.class, signal));
            HANDLER = MethodHandleProxies.asInterfaceInstance(handler, onSignal);
            IGNORED = handler.getField("SIG_IGN").get(null);
            NAME = lookup.findVirtual(signal, "getName", MethodType.methodType(String.class))
                    .asType(MethodType.methodType(String.class, Object.class));
            RAISE = lookup.findStatic(signal, "raise", MethodType.methodType(void.class, signal))
                    .asType(MethodType.methodType(void.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Signals() {
    }

    /**
     * The handler's body, on the JDK's signal-dispatch thread. It also gives both signals back to
     * the handlers it replaced: a loop whose task ignores cancellation (it spins, or waits where a
     * cancel cannot reach it) would otherwise outlive every signal, so a second SIGINT or SIGTERM
     * ends the JVM as it would without simloop.
     */
    private static synchronized void onSignal(Object sig) {
        String name = nameOf(sig);
        int i = java.util.Arrays.asList(NAMES).indexOf(name);
        if (toRaiseAgain == null && (name.equals("TERM") || i >= 0 && !isTheJvmsOwn(previous[i]))) {
            toRaiseAgain = name;
        }
        for (Scheduler l : LOOPS) {
            cancelRoot(l);
        }
        restorePrevious();
        if (LOOPS.isEmpty()) {
            raiseReceived(); // the last loop ended as the signal came: nothing is left to clean up
        }
    }

    /**
     * @return whether {@code handler} is the JVM's own for SIGINT and SIGTERM (which exits with 128 +
     *     the signal's number), as {@code sun.misc.Signal.handle} returns it: a wrapper whose text is
     *     that of {@code java.lang.Terminator}'s handler. Any other is the application's own
     */
    private static boolean isTheJvmsOwn(Object handler) {
        return handler != null && String.valueOf(handler).startsWith("java.lang.Terminator$");
    }

    /**
     * Raises the signal that cancelled the loops again ({@link #toRaiseAgain}), now that the handler
     * it was kept from is back: the JDK delivers it to that handler on its signal-dispatch thread,
     * as the first time.
     */
    private static void raiseReceived() {
        String name = toRaiseAgain;
        if (name != null) {
            toRaiseAgain = null;
            try {
                RAISE.invokeExact(NEW_SIGNAL.invokeExact(name));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e); // neither method declares a checked exception
            }
        }
    }

    private static String nameOf(Object sig) {
        try {
            return (String) NAME.invokeExact(sig);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e); // getName declares no checked exception
        }
    }

    /** Puts back the handlers this class replaced, once: after a signal, or when the last loop ends. */
    private static synchronized void restorePrevious() {
        for (int i = 0; i < NAMES.length; i++) {
            if (previous[i] != null) {
                handle(NAMES[i], previous[i]);
                previous[i] = null;
            }
        }
    }

    /** {@code sun.misc.Signal.handle(new Signal(name), handler)}: installs handler, returns the previous one. */
    private static Object handle(String name, Object handler) {
        try {
            return HANDLE.invokeExact(NEW_SIGNAL.invokeExact(name), handler);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e); // neither method declares a checked exception
        }
    }

    static synchronized void register(Scheduler loop) {
        if (LOOPS.isEmpty()) {
            for (int i = 0; i < NAMES.length; i++) {
                try {
                    previous[i] = handle(NAMES[i], HANDLER);
                } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
                    previous[i] = null; // the JVM reserves this signal (e.g. under -Xrs): leave it alone
                    continue;
                }
                if (previous[i] == IGNORED) {
                    // The process was started with the signal ignored (a background job of a
                    // non-interactive shell ignores SIGINT; nohup ignores SIGHUP): the JVM keeps it
                    // ignored and never calls a handler, so claim nothing and leave it as it was.
                    handle(NAMES[i], IGNORED);
                    previous[i] = null;
                }
            }
        }
        LOOPS.add(loop);
    }

    /** Cancels {@code loop}'s root group, on its driver (posted from the signal handler's thread). */
    private static void cancelRoot(Scheduler loop) {
        LoopStopper.cancelRoot(loop, CancelReason.SIGNAL);
    }

    static synchronized void unregister(Scheduler loop) {
        LOOPS.remove(loop);
        if (LOOPS.isEmpty()) {
            restorePrevious();
            raiseReceived();
        }
    }
}
