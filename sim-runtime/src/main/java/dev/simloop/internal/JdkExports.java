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
        // A method handle, not Method.invoke: core reflection builds its accessor out of several
        // method handles, each a class spun on a fresh JVM's first run (five, against two).
        java.lang.invoke.MethodHandle export = java.lang.invoke.MethodHandles
                .privateLookupIn(Module.class, java.lang.invoke.MethodHandles.lookup())
                .findVirtual(Module.class, "implAddExports",
                        java.lang.invoke.MethodType.methodType(void.class, String.class, Module.class));
        Module base = Object.class.getModule();
        Module runtime = JdkExports.class.getModule();
        for (String p : packages) {
            try {
                export.invokeExact(base, p, runtime);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new ReflectiveOperationException("could not export " + p + " to the runtime", e);
            }
        }
    }

    /**
     * Opens {@code pkg} of {@code java.base} to the runtime's module, through {@code Module}'s
     * private {@code implAddOpens}, so that the runtime may read its classes' private fields.
     *
     * @param pkg an exported package, such as {@code "java.util.concurrent.locks"}
     * @throws ReflectiveOperationException when this JDK has no such method, or java.lang is not open
     */
    static void openToRuntime(String pkg) throws ReflectiveOperationException {
        java.lang.invoke.MethodHandle open = java.lang.invoke.MethodHandles
                .privateLookupIn(Module.class, java.lang.invoke.MethodHandles.lookup())
                .findVirtual(Module.class, "implAddOpens",
                        java.lang.invoke.MethodType.methodType(void.class, String.class, Module.class));
        try {
            open.invokeExact(Object.class.getModule(), pkg, JdkExports.class.getModule());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new ReflectiveOperationException("could not open " + pkg + " to the runtime", e);
        }
    }
}
