package dev.simloop;

import dev.simloop.internal.Strategies;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * How a simulation chooses the next task among several ready ones. A strategy is a value with a
 * one-line textual form ({@link #toString()}), which replay lines carry and {@link #parse} reads.
 */
public final class Strategy {
    private final String text;
    private final LongFunction<Strategies.Picker> factory;

    private Strategy(String text, LongFunction<Strategies.Picker> factory) {
        this.text = text;
        this.factory = factory;
    }

    /** Production order: the task that became ready first runs first. No exploration. */
    public static Strategy fifo() {
        return new Strategy("fifo", seed -> Strategies.fifo());
    }

    /** A uniform choice among the ready tasks, drawn from a generator seeded with the run's seed. */
    public static Strategy random() {
        return new Strategy("random", Strategies::random);
    }

    /**
     * Reads a strategy's textual form.
     *
     * @param text {@code fifo} or {@code random}
     * @return the strategy
     * @throws IllegalArgumentException when the text names no known strategy
     */
    public static Strategy parse(String text) {
        Objects.requireNonNull(text, "Strategy.parse: text");
        return switch (text.trim()) {
            case "fifo" -> fifo();
            case "random" -> random();
            default -> throw new IllegalArgumentException("unknown strategy '" + text + "' (known: fifo, random)");
        };
    }

    /** A fresh, seeded picker for one run. */
    Strategies.Picker newPicker(long seed) {
        return factory.apply(seed);
    }

    /** @return the textual form, e.g. {@code random} */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Strategy s && s.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
