package dev.simloop;

import dev.simloop.internal.SafeText;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One part of an exploration split across JVMs, CI jobs or machines: shard {@code index} of
 * {@code count} (0-based: {@code 0 <= index < count}). Schedule {@code i} of an exploration belongs
 * to shard {@code i % count}, whatever machine runs it, so every schedule keeps its index, seed and
 * replay line, the shards together run exactly the schedules of the unsplit exploration, and no two
 * shards run the same one. A bounded search ({@link Exploration#exhaustive}) is split by subtree
 * instead (see {@link BoundedSearch#upTo(int, Shard)}).
 *
 * <p>{@link #fromEnvironment()} reads the shard the JVM runs: {@code -Dsimloop.shard=INDEX/COUNT}
 * (1-based, as Jest and Playwright write it: {@code 1/4} to {@code 4/4}), or, when that property is
 * not set, a CI system's own variables, each in its own base:
 *
 * <table class="striped">
 * <caption>Where the shard comes from</caption>
 * <thead><tr><th>source</th><th>index</th><th>count</th><th>base of the index</th></tr></thead>
 * <tbody>
 * <tr><td>system property</td><td>{@code simloop.shard=INDEX/COUNT}</td><td></td><td>1</td></tr>
 * <tr><td>GitLab {@code parallel:}</td><td>{@code CI_NODE_INDEX}</td><td>{@code CI_NODE_TOTAL}</td><td>1</td></tr>
 * <tr><td>CircleCI</td><td>{@code CIRCLE_NODE_INDEX}</td><td>{@code CIRCLE_NODE_TOTAL}</td><td>0</td></tr>
 * <tr><td>Buildkite</td><td>{@code BUILDKITE_PARALLEL_JOB}</td><td>{@code BUILDKITE_PARALLEL_JOB_COUNT}</td><td>0</td></tr>
 * <tr><td>Kubernetes Indexed Job</td><td>{@code JOB_COMPLETION_INDEX}</td><td>{@code SIMLOOP_SHARD_COUNT}</td><td>0</td></tr>
 * </tbody>
 * </table>
 *
 * <p>A Kubernetes Job sets {@code JOB_COMPLETION_INDEX} on every indexed pod, so it shards only
 * with {@code SIMLOOP_SHARD_COUNT} set (to the Job's {@code completions}); and GitLab sets
 * {@code CI_NODE_TOTAL=1} on every job without {@code parallel:}, so a count of 1 alone means no
 * split. Any other variable of a pair set without its partner is an error, as is a malformed value
 * (an empty {@code -Dsimloop.shard=} included): a half-made set-up would run every schedule in
 * every job unnoticed. So are two conventions that name different splits (a count of 1 names
 * none): either would run schedules that another job runs too. {@code -Dsimloop.shard=1/1} runs
 * every schedule whatever the variables say (for a CI job whose parallelism splits test files
 * instead).
 */
public final class Shard {
    /** The system property naming the shard, 1-based: {@code -Dsimloop.shard=2/4}. */
    public static final String PROPERTY = "simloop.shard";

    private static final Shard ALL = new Shard(0, 1);

    /** The CI conventions, in the order they are tried: index variable, count variable, base of the index. */
    private static final String[][] CI_VARIABLES = {
        {"CI_NODE_INDEX", "CI_NODE_TOTAL", "1"},
        {"CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", "0"},
        {"BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", "0"},
        {"JOB_COMPLETION_INDEX", "SIMLOOP_SHARD_COUNT", "0"},
    };

    private final int index;
    private final int count;

    private Shard(int index, int count) {
        this.index = index;
        this.count = count;
    }

    /**
     * @param index this shard, from 0
     * @param count how many shards there are, at least 1
     * @return the shard
     * @throws IllegalArgumentException unless {@code 0 <= index < count}
     */
    public static Shard of(int index, int count) {
        return of(index, count, "Shard.of");
    }

    /** {@link #of(int, int)}, its error naming {@code call}. */
    static Shard of(int index, int count, String call) {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException(call + "(" + index + ", " + count + "): needs 0 <= index < count"
                    + " (the index counts from 0; -D" + PROPERTY + "=INDEX/COUNT counts from 1)");
        }
        return count == 1 ? ALL : new Shard(index, count);
    }

    /** @return the whole exploration, unsplit: shard 0 of 1 */
    public static Shard all() {
        return ALL;
    }

    /**
     * Reads the 1-based form {@code INDEX/COUNT}, as {@code -Dsimloop.shard} takes it.
     *
     * @param text e.g. {@code 2/4}: the second of four shards
     * @return the shard ({@code Shard.of(1, 4)} for {@code 2/4})
     * @throws IllegalArgumentException when the text is not {@code INDEX/COUNT} with {@code 1 <= INDEX <= COUNT}
     */
    public static Shard parse(String text) {
        Objects.requireNonNull(text, "Shard.parse: text");
        return parse(text, "shard '" + SafeText.input(text) + "'");
    }

    private static Shard parse(String text, String where) {
        String[] parts = text.strip().split("/", -1);
        if (parts.length == 2 && digits(parts[0]) && digits(parts[1])) {
            try {
                int index = Integer.parseInt(parts[0].strip());
                int count = Integer.parseInt(parts[1].strip());
                if (count >= 1 && index >= 1 && index <= count) {
                    return of(index - 1, count);
                }
                if (count >= 1 && index > count) {
                    throw new IllegalArgumentException(where + ": the index " + index + " is past the count " + count
                            + " (INDEX/COUNT counts from 1: " + PROPERTY + "=1/" + count + " to " + PROPERTY + "=" + count
                            + "/" + count + ")");
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(where + ": write INDEX/COUNT, counting from 1, e.g. "
                + PROPERTY + "=1/4 to " + PROPERTY + "=4/4 for four shards" + unseen(text));
    }

    /**
     * @return for a value that holds a character outside printable ASCII that is no space (a no-break
     *     space or a zero-width one copied with it, a full-width digit), which the message would show
     *     as it is, so that {@code 2/4} looked malformed for no reason: those characters by code point;
     *     else empty
     */
    private static String unseen(String text) {
        String odd = text.codePoints().filter(c -> (c < 0x20 || c >= 0x7F) && !Character.isWhitespace(c)).distinct()
                .limit(3).mapToObj(c -> String.format(Locale.ROOT, "U+%04X", c))
                .collect(java.util.stream.Collectors.joining(", "));
        return odd.isEmpty() ? "" : "; it holds " + odd + ", not a digit 0-9, a '/' or a space, though it may look like"
                + " one or nothing at all: type the value anew";
    }

    /**
     * The shard this JVM runs: {@code -Dsimloop.shard}, else the shard the CI conventions' variables
     * name (see the class comment), else {@link #all()}.
     *
     * @return the shard
     * @throws IllegalArgumentException when the property or a CI variable is set but malformed,
     *     naming it, or when two CI conventions name different shards
     */
    public static Shard fromEnvironment() {
        return fromEnvironment(System::getProperty, System.getenv());
    }

    /**
     * {@link #fromEnvironment()} over given sources: for launchers with properties of their own
     * (JUnit's configuration parameters), and for tests.
     *
     * @param properties looks up a property ({@code simloop.shard}); null when it is not set
     * @param env the environment variables
     * @return the shard
     * @throws IllegalArgumentException when the property or a CI variable is set but malformed, or
     *     when two CI conventions name different shards
     */
    public static Shard fromEnvironment(Function<String, String> properties, Map<String, String> env) {
        Objects.requireNonNull(properties, "Shard.fromEnvironment: properties");
        Objects.requireNonNull(env, "Shard.fromEnvironment: env");
        String p = properties.apply(PROPERTY);
        if (p != null) {
            // an empty value is most often a CI variable that was not set: running every schedule in
            // every job would go unnoticed, so it is malformed like any other
            return parse(p, "-D" + PROPERTY + "=" + SafeText.input(p) + (p.isBlank() ? " (empty)" : ""));
        }
        Shard split = ALL;
        String splitBy = null;
        for (String[] ci : CI_VARIABLES) {
            Shard named = fromConvention(ci, env);
            if (named.isAll()) {
                continue;
            }
            String by = ci[0] + "=" + SafeText.input(env.get(ci[0])) + " and " + ci[1] + "=" + SafeText.input(env.get(ci[1]));
            if (splitBy != null && !named.equals(split)) {
                // two CI systems' variables in one job (an image or a runner set up by another): which
                // split is meant cannot be known, and taking either would run the other's schedules twice
                throw new IllegalArgumentException(splitBy + " name shard " + split + ", but " + by + " name shard "
                        + named + ": two CI conventions split this job differently; set -D" + PROPERTY
                        + "=INDEX/COUNT (counting from 1) to say which, or unset the variables that do not belong here");
            }
            split = named;
            splitBy = by;
        }
        return split;
    }

    /**
     * @param ci a CI convention: index variable, count variable, base of the index
     * @return the shard its variables name; {@link #all()} when they name none (unset, or a count
     *     of 1 alone)
     * @throws IllegalArgumentException when they are malformed, or one of the pair is set alone
     */
    private static Shard fromConvention(String[] ci, Map<String, String> env) {
        String index = env.get(ci[0]);
        String count = env.get(ci[1]);
        boolean hasIndex = index != null && !index.isBlank();
        boolean hasCount = count != null && !count.isBlank();
        if (hasIndex && hasCount) {
            return fromVariables(ci[0], index, ci[1], count, Integer.parseInt(ci[2]));
        }
        if (hasCount && !hasIndex && digits(count) && count.strip().replaceFirst("^0+", "").equals("1")) {
            return ALL; // GitLab sets CI_NODE_TOTAL=1, and no CI_NODE_INDEX, on every job without parallel:
        }
        // One of a pair alone is a half-made set-up, which would silently run every schedule in every
        // job; but Kubernetes sets JOB_COMPLETION_INDEX on any Indexed Job, sharded by simloop or not.
        if (hasCount || (hasIndex && !ci[0].equals("JOB_COMPLETION_INDEX"))) {
            String set = hasIndex ? ci[0] + "=" + SafeText.input(index) : ci[1] + "=" + SafeText.input(count);
            String unset = hasIndex ? ci[1] : ci[0];
            // an empty value (a CI variable set from one that was not) is there, and says nothing
            String missing = env.containsKey(unset) ? unset + " is empty" : unset + " is not";
            throw new IllegalArgumentException(set + " is set but " + missing + ", so it names no shard:"
                    + " set both to split each explored test's schedules among the jobs, or -D" + PROPERTY
                    + "=1/1 to run all of them in this one");
        }
        return ALL;
    }

    /** @return whether {@code s} is a number written in digits alone (no sign), spaces around it aside */
    private static boolean digits(String s) {
        String t = s.strip();
        return !t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static Shard fromVariables(String indexName, String index, String countName, String count, int base) {
        long n = wholeNumber(count);
        long i = wholeNumber(index);
        String range = indexName + " counts from " + base + " to " + countName + (base == 0 ? " - 1" : "");
        String why;
        if (n < 1) {
            why = countName + " is not a number of shards (a whole number from 1), and " + range;
        } else if (i < 0) {
            why = indexName + " is not a whole number: " + range;
        } else if (n > Integer.MAX_VALUE) {
            why = countName + " is past " + Integer.MAX_VALUE + ", the most shards there can be";
        } else if (i - base >= 0 && i - base < n) {
            return of((int) (i - base), (int) n);
        } else {
            why = range;
        }
        throw new IllegalArgumentException(indexName + "=" + SafeText.input(index) + " and " + countName + "="
                + SafeText.input(count) + " do not name a shard: " + why + " (set -D" + PROPERTY
                + "=INDEX/COUNT, counting from 1, to override)" + unseen(index + count));
    }

    /** @return the whole number {@code s} writes in digits 0-9 (spaces around it allowed; past 18 digits, Long.MAX_VALUE), or -1 */
    private static long wholeNumber(String s) {
        if (!digits(s)) {
            return -1;
        }
        String t = s.strip().replaceFirst("^0+(?=.)", "");
        return t.length() > 18 ? Long.MAX_VALUE : Long.parseLong(t);
    }

    /** @return this shard's index, from 0 */
    public int index() {
        return index;
    }

    /** @return how many shards there are */
    public int count() {
        return count;
    }

    /** @return whether this is the whole exploration (one shard) */
    public boolean isAll() {
        return count == 1;
    }

    /**
     * @param scheduleIndex a schedule's index in its exploration, from 0
     * @return whether this shard runs it: {@code scheduleIndex % count == index}
     * @throws IllegalArgumentException when {@code scheduleIndex} is negative
     */
    public boolean owns(long scheduleIndex) {
        if (scheduleIndex < 0) {
            // no schedule has one: -2 % 2 == 0 would say shard 1/2 runs it, and -1 % 2 that no shard does
            throw new IllegalArgumentException("Shard.owns: scheduleIndex must not be negative (schedules count from"
                    + " 0), but was " + scheduleIndex);
        }
        return scheduleIndex % count == index;
    }

    /** @return the 1-based form, e.g. {@code 2/4}, which {@link #parse} reads */
    @Override
    public String toString() {
        return (index + 1) + "/" + count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shard s && s.index == index && s.count == count;
    }

    @Override
    public int hashCode() {
        return 31 * index + count;
    }
}
