package dev.simloop;

/**
 * A supplier that may throw checked exceptions; the body of a task, a loop or a simulation.
 *
 * @param <T> the type of the value supplied
 */
@FunctionalInterface
public interface ThrowingSupplier<T> {
    /**
     * Computes the value.
     *
     * @return the value
     * @throws Exception any failure, reported to the enclosing task group
     */
    T get() throws Exception;
}
