package dev.simloop.internal;

/**
 * Exports JDK-internal packages of {@code java.base} to the runtime's own module, through
 * {@code java.lang.Module}'s private {@code implAddExports}, which the one JVM flag
 * ({@link VirtualThreads#FLAG}) makes reachable. For the classes that use {@code jdk.internal.vm}
 * ({@link Coroutine}, {@link TaskContainer}), {@code jdk.internal.access} ({@link TaskContainer})
 * and {@code jdk.internal.misc} ({@link UninitializedClasses}); and opens exported packages whose
 * private fields the runtime reads ({@link #openToRuntime}).
 * A class of its own, with nothing to initialize, so that exporting does not wait for
 * {@link VirtualThreads}' initialization (which initializes the JDK's virtual threads): the
 * {@link WarmUp} exports on one thread while the first driver initializes virtual threads on another.
 */
final class JdkExports {
    private JdkExports() {
    }

    /**
     * @param packages the packages, such as {@code "jdk.internal.vm"}
     * @throws ReflectiveOperationException when this JDK has no such method, or java.lang is not open
     */
    static void toRuntime(String... packages) throws ReflectiveOperationException {
        apply("implAddExports", "export", packages);
    }

    /**
     * Opens {@code pkg} of {@code java.base} to the runtime's module, through {@code Module}'s
     * private {@code implAddOpens}, so that the runtime may read its classes' private fields.
     *
     * @param pkg an exported package, such as {@code "java.util.concurrent"}
     * @throws ReflectiveOperationException when this JDK has no such method, or java.lang is not open
     */
    static void openToRuntime(String pkg) throws ReflectiveOperationException {
        apply("implAddOpens", "open", pkg);
    }

    /** Calls {@code java.base}'s module's private {@code method(pkg, runtime)} for each package. */
    private static void apply(String method, String verb, String... packages) throws ReflectiveOperationException {
        // A method handle, not Method.invoke: core reflection builds its accessor out of several
        // method handles, each a class spun on a fresh JVM's first run (five, against two).
        java.lang.invoke.MethodHandle handle = java.lang.invoke.MethodHandles
                .privateLookupIn(Module.class, java.lang.invoke.MethodHandles.lookup())
                .findVirtual(Module.class, method,
                        java.lang.invoke.MethodType.methodType(void.class, String.class, Module.class));
        Module base = Object.class.getModule();
        Module runtime = JdkExports.class.getModule();
        for (String p : packages) {
            try {
                handle.invokeExact(base, p, runtime);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new ReflectiveOperationException("could not " + verb + " " + p + " to the runtime", e);
            }
        }
    }
}
