package dev.simloop.internal;

/**
 * Whether a JDK class has been initialized, without initializing it: the JDK's own
 * {@code jdk.internal.misc.Unsafe.shouldBeInitialized}, exported to the runtime at run time
 * ({@link JdkExports}) and at compile time (the runtime's pom). For {@link LoggingAtDefaults}, which
 * must tell whether {@code java.util.logging} has started without starting it.
 */
final class UninitializedClasses {
    /** Whether {@link #logManagerInitialized} can tell (false on a JDK without these internals). */
    static final boolean AVAILABLE = exported();

    private UninitializedClasses() {
    }

    private static boolean exported() {
        try {
            JdkExports.toRuntime("jdk.internal.misc");
            Probe.logManagerInitialized(); // links the probe now: a JDK that lacks it fails here, once
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    /** @return whether {@code java.util.logging.LogManager} has been initialized; only when {@link #AVAILABLE} */
    static boolean logManagerInitialized() {
        return Probe.logManagerInitialized();
    }

    /** Loaded once {@code jdk.internal.misc} is exported to the runtime: it names a class there. */
    private static final class Probe {
        private static final jdk.internal.misc.Unsafe UNSAFE = jdk.internal.misc.Unsafe.getUnsafe();
        private static final Class<?> LOG_MANAGER = logManagerClass();

        private static Class<?> logManagerClass() {
            try {
                return Class.forName("java.util.logging.LogManager", false, null); // loaded, not initialized
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("no java.util.logging", e);
            }
        }

        static boolean logManagerInitialized() {
            return !UNSAFE.shouldBeInitialized(LOG_MANAGER);
        }
    }
}
