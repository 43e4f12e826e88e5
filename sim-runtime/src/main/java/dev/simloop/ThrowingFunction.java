package dev.simloop;

/**
 * A function that may throw checked exceptions; the body of a task group or cancel scope.
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ThrowingFunction<A, R> {
    /**
     * Applies the function.
     *
     * @param a the argument
     * @return the result
     * @throws Exception any failure
     */
    R apply(A a) throws Exception;
}
