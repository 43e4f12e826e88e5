package dev.simloop.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;

/**
 * Creates virtual threads whose JDK scheduler is an executor of ours, through the JDK's
 * {@code ThreadBuilders.VirtualThreadBuilder(Executor)} constructor. That constructor is not
 * public, so the JVM must open {@code java.lang} to us; without the flag every entry point fails
 * with a message that says exactly what to add and where.
 */
final class VirtualThreads {
    static final String FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    private static final MethodHandle NEW_BUILDER;
    private static final RuntimeException UNAVAILABLE;

    static {
        MethodHandle mh = null;
        RuntimeException problem = null;
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            Constructor<?> k = c.getDeclaredConstructor(Executor.class);
            k.setAccessible(true);
            mh = MethodHandles.lookup().unreflectConstructor(k)
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
        } catch (RuntimeException | ReflectiveOperationException e) {
            problem = new IllegalStateException(message(e), e);
        }
        NEW_BUILDER = mh;
        UNAVAILABLE = problem;
    }

    private VirtualThreads() {
    }

    private static String message(Throwable e) {
        if (e instanceof ReflectiveOperationException) {
            return "simloop cannot create its tasks on this JVM (" + System.getProperty("java.version")
                    + "): it needs JDK 25 or newer with virtual threads (" + e + ")";
        }
        return "simloop needs the JVM flag " + FLAG + " to run tasks as virtual threads on its own loop. "
                + "Add it to the java command line (java " + FLAG + " ...), or for tests under Maven to the "
                + "surefire plugin: <configuration><argLine>" + FLAG + "</argLine></configuration>. ("
                + e.getMessage() + ")";
    }

    /** Fails fast, with the flag in the message, when tasks cannot be created. */
    static void check() {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException(UNAVAILABLE.getMessage(), UNAVAILABLE.getCause());
        }
    }

    static Thread newThread(Executor scheduler, String name, Runnable body) {
        check();
        try {
            Thread.Builder.OfVirtual b = (Thread.Builder.OfVirtual) NEW_BUILDER.invokeExact(scheduler);
            return b.name(name).unstarted(body);
        } catch (Throwable e) {
            throw new IllegalStateException("could not create a virtual thread for task '" + name + "'", e);
        }
    }
}
