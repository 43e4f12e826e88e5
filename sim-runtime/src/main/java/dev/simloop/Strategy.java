package dev.simloop;

import dev.simloop.internal.FifoPicker;
import dev.simloop.internal.NonPreemptivePicker;
import dev.simloop.internal.PctPicker;
import dev.simloop.internal.PctText;
import dev.simloop.internal.Picker;
import dev.simloop.internal.PosPicker;
import dev.simloop.internal.RandomPicker;
import dev.simloop.internal.SafeText;
import dev.simloop.internal.SpawnerFirstPicker;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * How a simulation chooses the next task among several ready ones. A strategy is a value with a
 * one-line textual form ({@link #toString()}), which replay lines carry and {@link #parse} reads.
 */
public final class Strategy {
    private final String text;
    private final LongFunction<Picker> factory;
    /** The strategies a portfolio cycles through, by seed; empty for a single strategy. */
    private final List<Strategy> members;

    private Strategy(String text, LongFunction<Picker> factory) {
        this(text, factory, List.of());
    }

    private Strategy(String text, LongFunction<Picker> factory, List<Strategy> members) {
        this.text = text;
        this.factory = factory;
        this.members = members;
    }

    /**
     * Production order: the task that became ready first runs first. No exploration.
     *
     * @return the strategy, textual form {@code fifo}
     */
    public static Strategy fifo() {
        return new Strategy("fifo", seed -> FifoPicker.INSTANCE);
    }

    /**
     * A uniform choice among the ready tasks, drawn from a generator seeded with the run's seed.
     *
     * @return the strategy, textual form {@code random}
     */
    public static Strategy random() {
        return RANDOM;
    }

    /** {@link #random()}'s one instance: a strategy is immutable, and every builder starts with it. */
    private static final Strategy RANDOM = new Strategy("random", new RandomPickers());

    /**
     * Makes {@link RandomPicker}s: the default strategy's factory, a named class rather than a
     * method reference, whose first use would spin a class in a fresh JVM's first simulation (issue 15).
     */
    private static final class RandomPickers implements LongFunction<Picker> {
        @Override
        public Picker apply(long seed) {
            return new RandomPicker(seed);
        }
    }

    /** The number of choice points PCT spreads its change points over when none is given or learned. */
    public static final int DEFAULT_PCT_CHOICES = 50;

    /**
     * Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010) for bugs of the given depth
     * (the number of ordering constraints the bug needs): random task priorities and
     * {@code depth - 1} priority change points. The change points are spread over
     * {@value #DEFAULT_PCT_CHOICES} choice points, or over the number {@link Exploration} learns
     * from earlier runs.
     *
     * @param depth from 1 to 1,000
     * @return the strategy, textual form {@code pct(depth)}
     */
    public static Strategy pct(int depth) {
        return pct(depth, 0);
    }

    /** The deepest PCT: each level past the first is a change point every run draws. */
    static final int MAX_PCT_DEPTH = 1_000;

    /**
     * PCT with the change points spread over {@code expectedChoices} choice points (steps where more
     * than one task is ready); 0 means "not known".
     *
     * @param depth from 1 to 1,000
     * @param expectedChoices at least 0
     * @return the strategy, textual form {@code pct(depth,expectedChoices)} (or {@code pct(depth)} for 0)
     */
    public static Strategy pct(int depth, int expectedChoices) {
        if (depth < 1 || depth > MAX_PCT_DEPTH) {
            throw new IllegalArgumentException("Strategy.pct: depth must be from 1 to " + MAX_PCT_DEPTH + " (a run draws"
                    + " depth - 1 change points; bugs deeper than a handful are rare), but was " + depth);
        }
        if (expectedChoices < 0) {
            throw new IllegalArgumentException("Strategy.pct: expectedChoices must not be negative, but was "
                    + expectedChoices);
        }
        int k = expectedChoices == 0 ? DEFAULT_PCT_CHOICES : expectedChoices;
        return new Strategy(expectedChoices == 0 ? "pct(" + depth + ")" : "pct(" + depth + "," + expectedChoices + ")",
                seed -> new PctPicker(seed, depth, k));
    }

    /**
     * Partial order sampling (Yuan et al., CAV 2018): each ready task holds a random priority, the
     * highest runs, and the steps that race with the one that ran (the tasks it made ready, by
     * touching the same lock, event, channel or task) draw fresh priorities.
     *
     * @return the strategy, textual form {@code pos}
     */
    public static Strategy pos() {
        return new Strategy("pos", PosPicker::new);
    }

    /**
     * CHESS's schedule without preemptions: the task whose step just ended at a checkpoint goes on
     * while it can; when it blocks or ends, the FIFO head runs; tied timers fire in order. It is
     * what {@link Exploration#preemptionBounded} and {@link Exploration#delayBounded} follow after
     * the choices they vary, and so what their replay lines name. A task that waits for another by
     * looping on {@link Loop#checkpoint()} never lets it run under this strategy (the run ends at
     * {@link Simulation.Builder#maxSteps}): wait on a primitive or with {@link Loop#sleep} instead.
     *
     * @return the strategy, textual form {@code nonpreemptive}
     */
    public static Strategy nonPreemptive() {
        return new Strategy("nonpreemptive", seed -> NonPreemptivePicker.INSTANCE);
    }

    /**
     * Random choices, except that a task whose step spawned tasks goes on: a program that creates its
     * workers in a loop creates them all before any runs, and then they race as under
     * {@link #random()}. Under plain random choice the first workers finish while the last are
     * still being created, which closes windows that need them all at once (SCTBench's
     * twostage_100: 99 writers and a reader, found by no other strategy within 10,000 schedules).
     *
     * @return the strategy, textual form {@code spawnerfirst}
     */
    public static Strategy spawnerFirst() {
        return new Strategy("spawnerfirst", SpawnerFirstPicker::new);
    }

    /**
     * The strategies {@link #portfolio()} cycles through, in order. In a holder, so that a program
     * that never asks for the portfolio does not link its members' factories when it starts.
     */
    private static final class Portfolio {
        static final List<Strategy> MEMBERS = List.of(random(), pct(2), pct(3), pos(), spawnerFirst());
    }

    /**
     * Several strategies taking turns, since no single one finds every bug: the run with seed
     * {@code s} uses {@code random}, {@code pct(2)}, {@code pct(3)}, {@code pos} or
     * {@link #spawnerFirst() spawnerfirst}, the member at {@code s mod 5}, so the schedules of an {@link Exploration} (seeds {@code seed + i}) cycle
     * through them. A run's replay line names the member that made it, so it replays on its own.
     * The default of {@link Exploration} and of {@code @SimulatedLoop} when more than one schedule
     * runs.
     *
     * @return the strategy, textual form {@code portfolio}
     */
    public static Strategy portfolio() {
        return new Strategy("portfolio", seed -> forSeed(Portfolio.MEMBERS, seed).newPicker(seed), Portfolio.MEMBERS);
    }

    /**
     * @return the strategies a portfolio takes turns with, in order (the run with seed {@code s}
     *     uses the one at {@code Math.floorMod(s, size)}); empty for a single strategy
     */
    public List<Strategy> members() {
        return members;
    }

    /**
     * @param seed a run's seed
     * @return the strategy that run uses: the portfolio member for {@code seed}, or this strategy
     */
    Strategy forSeed(long seed) {
        return members.isEmpty() ? this : forSeed(members, seed);
    }

    private static Strategy forSeed(List<Strategy> members, long seed) {
        return members.get((int) Math.floorMod(seed, (long) members.size()));
    }

    /**
     * Reads a strategy's textual form.
     *
     * @param text {@code fifo}, {@code random}, {@code pos}, {@code pct(d)}, {@code pct(d,k)},
     *     {@code nonpreemptive}, {@code spawnerfirst} or {@code portfolio}
     * @return the strategy
     * @throws IllegalArgumentException when the text names no known strategy
     */
    public static Strategy parse(String text) {
        Objects.requireNonNull(text, "Strategy.parse: text");
        String t = text.trim();
        switch (t) {
            case "fifo":
                return fifo();
            case "random":
                return random();
            case "pos":
                return pos();
            case "nonpreemptive":
                return nonPreemptive();
            case "spawnerfirst":
                return spawnerFirst();
            case "portfolio":
                return portfolio();
            default:
                break;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("pct\\((\\d{1,4})(?:,(\\d{1,9}))?\\)").matcher(t);
        if (m.matches()) {
            Strategy s;
            try {
                s = pct(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid strategy '" + SafeText.input(text) + "': " + e.getMessage(),
                        e);
            }
            if (s.text.equals(t)) {
                return s;
            }
        }
        // before the pct(d) check: pct(3)+priority(4) is a valid strategy with a policy appended
        int plus = t.indexOf("+priority(");
        if (plus > 0) {
            throw new IllegalArgumentException("invalid strategy '" + SafeText.input(text) + "': '"
                    + SafeText.input(t.substring(plus + 1)) + "' is a priority policy, not part of the strategy (a replay line writes them together): give '"
                    + SafeText.input(t.substring(0, plus)) + "' as the strategy and the policy with"
                    + " Simulation.builder().priorityPolicy(..), or replay the whole line");
        }
        if (t.startsWith("pct")) {
            throw new IllegalArgumentException("invalid strategy '" + SafeText.input(text) + "': write pct(d) or"
                    + " pct(d,k), with the depth d from 1 to " + MAX_PCT_DEPTH + " and k, the choice points to spread the change points over,"
                    + " at least 1");
        }
        throw new IllegalArgumentException("unknown strategy '" + SafeText.input(text) + "' (known: fifo, random, pos,"
                + " pct(d), pct(d,k), nonpreemptive, spawnerfirst, portfolio)");
    }

    /** @return the PCT depth, or 0 for other strategies */
    int pctDepth() {
        return PctText.depth(text);
    }

    /** @return whether runs with this strategy learn PCT's choice count: it, or a portfolio member, is {@link #learnsChoices} */
    boolean mayLearnChoices() {
        return learnsChoices() || members.stream().anyMatch(Strategy::learnsChoices);
    }

    /** @return whether this is PCT with no expected choice count given (so it may be learned) */
    boolean learnsChoices() {
        return PctText.learnsChoices(text);
    }

    /** A fresh, seeded picker for one run. */
    Picker newPicker(long seed) {
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
