package dev.simloop.internal;

/**
 * Exports JDK-internal packages of {@code java.base} to the runtime's own module, through
 * {@code java.lang.Module}'s private {@code implAddExports}, which the one JVM flag
 * ({@link VirtualThreads#FLAG}) makes reachable. For the classes that use {@code jdk.internal.vm}
 * ({@link Coroutine}, {@link TaskContainer}) and {@code jdk.internal.access} ({@link TaskContainer}).
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
        java.lang.reflect.Method export = Module.class.getDeclaredMethod("implAddExports", String.class, Module.class);
        export.setAccessible(true);
        for (String p : packages) {
            export.invoke(Object.class.getModule(), p, JdkExports.class.getModule());
        }
    }
}
