package dev.simloop;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * An immutable list of scheduling choices, with the strategy and seed of the run it came from.
 * Choice {@code i} is made at the {@code i}-th point where more than one task is ready, and picks
 * {@code ready[c % ready.size()]} (ready tasks in queue order: the order they became ready, as
 * {@link Loop#reinsert}, {@link Loop#sleepInsert} and the like change it). After the last choice
 * the run goes on with the strategy that follows the schedule: FIFO under {@code Simulations.check}
 * (jqwik), so a missing choice is 0, the FIFO head; the builder's own strategy (random, unless set)
 * under {@link Simulation.Builder#followChoices}.
 *
 * <p>A schedule recorded from a run prints as its <em>replay line</em> ({@link #toString()},
 * {@link SimResult#replayLine()}):
 * <pre>simloop:1:&lt;strategy&gt;:&lt;seed&gt;:&lt;steps&gt;:&lt;choices&gt;:&lt;checksum&gt;</pre>
 * where {@code strategy} is the strategy's textual form ({@link Strategy#parse}), followed by
 * {@code +priority(N)} when the run had a {@link PriorityPolicy} (N its boost threshold; the
 * recorded choices index the candidates that policy allowed, so a replay needs it),
 * {@code choices} is the choices as unsigned LEB128 varints in unpadded base64url, {@code steps}
 * is the run's step count ({@code -} when unknown) and {@code checksum} is the CRC-32 of everything
 * before it, in 8 hex digits.
 *
 * <p>A <em>built</em> schedule ({@link #of}, {@link #fifo}, and what {@code dev.simloop.jqwik}
 * generates) is only a list of choices, with no run behind it, so it never prints like a replay
 * line: it prints as the Java expression that makes it, {@code Schedule.of(1, 0, 2)}, which
 * {@link Simulation.Builder#followChoices} follows; {@link Simulation.Builder#replay} refuses it
 * and says so. {@link #parse} reads both forms and rejects anything else with a message that says
 * what is wrong.
 */
public final class Schedule {
    /** The version this simloop writes and reads. */
    public static final int VERSION = 1;
    private static final String PREFIX = "simloop:";
    /** How a built schedule prints: the Java expression that makes it. */
    private static final String BUILT_PREFIX = "Schedule.of(";
    private static final Schedule EMPTY = new Schedule(new int[0], "fifo", null, 0, -1, -1);

    private final int[] choices;
    private final String strategy;
    /** The priority policy of the recorded run, or null for none. */
    private final PriorityPolicy policy;
    private final long seed;
    private final long steps;
    /** The CHESS preemptions of the run it was recorded from, or -1 when not known (not part of the line). */
    private final int preemptions;

    private Schedule(int[] choices, String strategy, PriorityPolicy policy, long seed, long steps, int preemptions) {
        this.choices = choices;
        this.strategy = strategy;
        this.policy = policy;
        this.seed = seed;
        this.steps = steps;
        this.preemptions = preemptions;
    }

    /** @return the empty schedule: no choices, so the strategy that follows it makes them all (FIFO under {@code Simulations.check}) */
    public static Schedule fifo() {
        return EMPTY;
    }

    /**
     * A schedule of the given choices (what a generator builds).
     *
     * @param choices the choices; each must be non-negative
     * @return the schedule; its {@link #strategy()} reads {@code fifo}, what {@code Simulations.check}
     *     continues with after the choices ({@link Simulation.Builder#followChoices} continues with the
     *     builder's strategy instead)
     */
    public static Schedule of(List<Integer> choices) {
        Objects.requireNonNull(choices, "Schedule.of: choices");
        int[] a = new int[choices.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = checkChoice(choices.get(i), i);
        }
        return new Schedule(a, "fifo", null, 0, -1, -1);
    }

    /**
     * @param choices the choices; each must be non-negative
     * @return the schedule
     */
    public static Schedule of(int... choices) {
        int[] a = Objects.requireNonNull(choices, "Schedule.of: choices").clone();
        for (int i = 0; i < a.length; i++) {
            checkChoice(a[i], i);
        }
        return new Schedule(a, "fifo", null, 0, -1, -1);
    }

    /** The schedule a finished run made; used by the simulator. */
    static Schedule recorded(int[] choices, Strategy strategy, PriorityPolicy policy, long seed, long steps,
            int preemptions) {
        return new Schedule(choices, strategy.toString(), policy, seed, steps, preemptions);
    }

    /**
     * The schedule a run made, knowing its {@link #preemptions()} (which a replay line does not
     * hold): equal to {@code Schedule.parse(run.replayLine())} otherwise.
     *
     * @param run a finished simulated run
     * @return its schedule
     */
    public static Schedule recordedBy(SimResult<?> run) {
        Objects.requireNonNull(run, "Schedule.recordedBy: run");
        Schedule parsed = parse(run.replayLine());
        return new Schedule(parsed.choices, parsed.strategy, parsed.policy, parsed.seed, parsed.steps,
                run.preemptions());
    }

    private static int checkChoice(Integer c, int index) {
        if (c == null) {
            throw new IllegalArgumentException("Schedule.of: choice " + index + " is null");
        }
        if (c < 0) {
            throw new IllegalArgumentException("Schedule.of: choice " + index + " must not be negative, but was " + c);
        }
        return c;
    }

    /** @return the choices, unmodifiable */
    public List<Integer> choices() {
        List<Integer> l = new ArrayList<>(choices.length);
        for (int c : choices) {
            l.add(c);
        }
        return Collections.unmodifiableList(l);
    }

    int[] choiceArray() {
        return choices;
    }

    /** @return how many choices */
    public int size() {
        return choices.length;
    }

    /**
     * Preemptions as CHESS counts them: choices that switched away from a task that could have
     * gone on (its step had ended at a checkpoint and it was still ready). A choice made when the
     * task that ran last had blocked or ended is free, and so is the order of tied timers. The count
     * comes from the run, not from the choices, so only a schedule taken from the run knows it
     * ({@link #recordedBy}, {@link SimResult#preemptions()}).
     *
     * @return the run's preemptions, or -1 for a schedule read from a line ({@link #parse}) or built
     *     ({@link #of}), which does not say which of its choices passed over a ready task
     */
    public int preemptions() {
        return preemptions;
    }

    /**
     * Departures from FIFO order: how many choices are not the FIFO head (non-zero). This is what
     * {@link Exploration#exhaustive} and {@link BoundedSearch#upTo} bound; it counts every choice
     * that reorders round-robin, including those made when the task that ran last had blocked, and
     * misses the preemption of a task that FIFO order would have passed over anyway.
     *
     * @return how many choices are not 0
     */
    public int departures() {
        return departures(choices);
    }

    /** @return how many of {@code choices} are not the FIFO head */
    static int departures(int[] choices) {
        int n = 0;
        for (int c : choices) {
            if (c != 0) {
                n++;
            }
        }
        return n;
    }

    /** @return the textual form of the strategy of the run, or that continues after the choices */
    public String strategy() {
        return strategy;
    }

    /**
     * @return the priority policy of the run it came from ({@link Simulation.Builder#replay} sets it
     *     again), or empty when that run had none, and for a built schedule
     */
    public Optional<PriorityPolicy> priorityPolicy() {
        return Optional.ofNullable(policy);
    }

    /** @return the seed of the run it came from (0 for a built schedule) */
    public long seed() {
        return seed;
    }

    /** @return the step count of the run it came from, or -1 when unknown */
    public long steps() {
        return steps;
    }

    /**
     * Whether this is a built schedule ({@link #of}, {@link #fifo}): choices with no recorded run
     * behind them (no step count, FIFO, seed 0, no priority policy), which cannot be replayed.
     */
    boolean isBuilt() {
        return steps < 0 && seed == 0 && policy == null && strategy.equals("fifo");
    }

    /**
     * @return the replay line of a recorded schedule, or {@code Schedule.of(c0, c1, …)} for a built
     *     one; {@link #parse} reads either back to an equal schedule
     */
    @Override
    public String toString() {
        if (isBuilt()) {
            StringBuilder sb = new StringBuilder(BUILT_PREFIX);
            for (int i = 0; i < choices.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(choices[i]);
            }
            return sb.append(')').toString();
        }
        return line();
    }

    /** The replay-line form, whether or not the schedule is built (a built one's steps are {@code -}). */
    String line() {
        StringBuilder sb = new StringBuilder(PREFIX).append(VERSION).append(':').append(strategy);
        if (policy != null) {
            sb.append('+').append(policy.lineForm());
        }
        sb.append(':')
                .append(seed).append(':').append(steps < 0 ? "-" : Long.toString(steps)).append(':')
                .append(encodeChoices(choices)).append(':');
        return sb.append(checksum(sb)).toString();
    }

    /**
     * Reads a one-line schedule: a replay line, or a built schedule's {@code Schedule.of(…)} form.
     * Leading and trailing white space is ignored, and so is white space inside a replay line (a line
     * break and an indent where a log viewer or an e-mail wrapped it): simloop never writes any there,
     * and the checksum still has to match the parts joined.
     *
     * @param line the line, as printed by {@link #toString()} or {@link SimResult#replayLine()}
     * @return the schedule
     * @throws IllegalArgumentException saying what is wrong: not a simloop line, an unknown
     *     version, a truncated line, text after a whole line, a bad checksum, or a malformed field
     * @throws NullPointerException when {@code line} is null
     */
    public static Schedule parse(String line) {
        Objects.requireNonNull(line, "Schedule.parse: line");
        String s = line.strip();
        if (s.startsWith(BUILT_PREFIX)) {
            return parseBuilt(s);
        }
        int at = s.indexOf(PREFIX);
        if (at > 0) {
            // quotes, a log's "replay: ", the -D option, or an invisible U+00A0 or U+FEFF copied with the line
            throw new IllegalArgumentException("replay line has text before it: '" + visible(abbreviate(s.substring(0, at)))
                    + "' precedes '" + visible(abbreviate(s.substring(at))) + "'; " + COPY_IT_ALONE);
        }
        boolean wrapped = false;
        if (at < 0 && withoutWhitespace(s).startsWith(PREFIX)) {
            s = withoutWhitespace(s); // a line wrapped inside its "simloop:"
            wrapped = true;
        }
        if (!s.startsWith(PREFIX)) {
            boolean upperCase = s.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
            throw new IllegalArgumentException("not a simloop replay line (it must start with '" + PREFIX
                    + "') nor a built schedule (which starts with '" + BUILT_PREFIX + "'): '" + abbreviate(s) + "'"
                    + (upperCase ? "; the line was changed to upper case (a replay line is case-sensitive): copy it"
                            + " again as simloop printed it" : ""));
        }
        int space = firstWhitespace(s);
        if (space >= 0 && s.substring(0, space).matches("[^:]*(:[^:]*){5}:[0-9a-f]{8}")) {
            // a whole line and more: the rest of a report's line, such as its "(2 preemptions)", was copied with it
            throw new IllegalArgumentException("replay line has text after its checksum: '" + abbreviate(s.substring(space).strip())
                    + "' follows '" + abbreviate(s.substring(0, space)) + "'; copy the line alone, up to its 8-digit"
                    + " checksum (a report prints the run's preemptions after it)");
        }
        java.util.regex.Matcher whole = LINE_AND_MORE.matcher(s);
        if (whole.matches()) {
            // a closing quote, a full stop or an invisible character right after the checksum: the line is whole
            throw new IllegalArgumentException("replay line has text after its checksum: '" + visible(abbreviate(whole.group(2)))
                    + "' follows '" + visible(abbreviate(whole.group(1))) + "'; " + COPY_IT_ALONE);
        }
        if (firstWhitespace(s) >= 0) {
            // a log viewer, terminal or e-mail that wrapped a long line broke it with a line break (and an
            // indent): simloop never writes white space in a line, and the checksum checks the joined parts
            s = withoutWhitespace(s);
            wrapped = true;
        }
        String[] f = s.split(":", -1);
        // "simloop:" alone is a line cut right after its prefix, not one of another version
        if (f.length >= 2 && !f[1].equals(Integer.toString(VERSION)) && !(f.length == 2 && f[1].isEmpty())) {
            throw new IllegalArgumentException("replay line version '" + abbreviate(f[1]) + "' is not supported: this "
                    + "simloop reads version " + VERSION + " (was the line written by another simloop version?)");
        }
        if (f.length != 7) {
            throw new IllegalArgumentException("malformed or truncated replay line: expected 7 fields separated by ':' "
                    + "(simloop:1:strategy:seed:steps:choices:checksum) but found " + f.length + ": '"
                    + abbreviate(s) + "'");
        }
        String body = s.substring(0, s.lastIndexOf(':') + 1);
        String given = f[6];
        if (!given.matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("replay line checksum '" + abbreviate(given)
                    + "' is not 8 lowercase hex digits; " + (given.matches("[0-9a-fA-F]{8}")
                            ? "the line was changed to upper case (a replay line is case-sensitive)"
                            : "the line was probably cut when copied"));
        }
        String actual = checksum(body);
        if (!given.equals(actual)) {
            throw new IllegalArgumentException("replay line checksum mismatch: the line says " + given
                    + " but its content hashes to " + actual + "; the line was changed or cut when copied"
                    + (wrapped ? " (its parts were joined without the line breaks and spaces inside it: copy it again"
                            + " whole, without what a log adds to each line)" : "") + foreignCharacter(body));
        }
        int plus = f[2].indexOf('+');
        String strategy = plus < 0 ? f[2] : f[2].substring(0, plus);
        try {
            // its canonical text: a strategy that parses only once trimmed ("random\0") fails the check below
            strategy = Strategy.parse(strategy).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("replay line names an " + e.getMessage(), e);
        }
        PriorityPolicy policy = null;
        if (plus >= 0) {
            try {
                policy = PriorityPolicy.fromLineForm(f[2].substring(plus + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("replay line names an " + e.getMessage(), e);
            }
        }
        long seed = parseLong(f[3], "seed");
        long steps = f[4].equals("-") ? -1 : parseLong(f[4], "steps");
        if (steps < -1 || (steps == -1 && !f[4].equals("-"))) {
            throw new IllegalArgumentException("replay line steps field must not be negative: " + f[4]);
        }
        Schedule result = new Schedule(decodeChoices(f[5]), strategy, policy, seed, steps, -1);
        if (!result.line().equals(s)) {
            // e.g. "+5" for a seed, or padding bits in the choices: the checksum matched, but the
            // line is not one simloop writes, so it could not round-trip.
            throw new IllegalArgumentException("replay line is not in the canonical form simloop writes: '"
                    + abbreviate(s) + "'");
        }
        return result;
    }

    /** Reads {@code Schedule.of(c0, c1, …)}, as a built schedule prints. */
    private static Schedule parseBuilt(String s) {
        if (!s.endsWith(")")) {
            throw new IllegalArgumentException("malformed built schedule: expected 'Schedule.of(c0, c1, ...)' with a "
                    + "closing parenthesis, but found '" + abbreviate(s) + "'");
        }
        String inside = s.substring(BUILT_PREFIX.length(), s.length() - 1).strip();
        if (inside.isEmpty()) {
            return EMPTY;
        }
        String[] parts = inside.split(",", -1);
        int[] choices = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            try {
                choices[i] = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("built schedule choice " + i + " '" + abbreviate(p)
                        + "' is not a number: '" + abbreviate(s) + "'", e);
            }
            checkChoice(choices[i], i);
        }
        return new Schedule(choices, "fifo", null, 0, -1, -1);
    }

    private static long parseLong(String v, String field) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            if (v.matches("-?[0-9]+")) {
                // a number, just too large: "not a number" would send the user looking for a typo
                throw new IllegalArgumentException("replay line " + field + " field '" + abbreviate(v)
                        + "' is outside the range of a long (" + Long.MIN_VALUE + " to " + Long.MAX_VALUE
                        + "); simloop writes it as a decimal long such as 42 or -7, so the line was changed", e);
            }
            throw new IllegalArgumentException("replay line " + field + " field '" + abbreviate(v) + "' is not a number", e);
        }
    }

    /** @return the index of the first white space character in {@code s}, or -1 */
    private static int firstWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** @return {@code s} without its white space: the parts of a wrapped line, joined */
    private static String withoutWhitespace(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.chars().filter(c -> !Character.isWhitespace(c)).forEach(c -> sb.append((char) c));
        return sb.toString();
    }

    /**
     * @return for a line that holds a character outside printable ASCII, which simloop never writes in
     *     one (a zero-width space or a no-break space copied from a web page, a typographic quote),
     *     a note naming the first and where it is, else nothing: such a character is invisible, or
     *     looks like the one it replaced, so "the line was changed" alone leaves the user searching
     */
    private static String foreignCharacter(String body) {
        for (int i = 0; i < body.length(); i = body.offsetByCodePoints(i, 1)) {
            int c = body.codePointAt(i);
            if (c < 0x21 || c > 0x7E) {
                return "; it holds " + visible(Character.toString(c)) + " at character " + (i + 1) + ", which simloop"
                        + " never writes in a line (copied from a web page or a chat?): delete it, or copy the line again";
            }
        }
        return "";
    }

    /** What a message about text copied with a line tells the user to do. */
    private static final String COPY_IT_ALONE = "copy the line alone, from '" + PREFIX + "' up to its 8-digit checksum";

    /** A whole line (7 fields, the last 8 lowercase hex digits) and then more: group 1 the line, group 2 the rest. */
    private static final java.util.regex.Pattern LINE_AND_MORE =
            java.util.regex.Pattern.compile("([^:]*+(?::[^:]*+){5}:[0-9a-f]{8})(.+)", java.util.regex.Pattern.DOTALL);

    /** @return {@code s} with every character outside printable ASCII as {@code <U+XXXX>}, so an invisible one shows */
    private static String visible(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c >= 0x20 && c < 0x7F) {
                sb.append((char) c);
            } else {
                sb.append(String.format(Locale.ROOT, "<U+%04X>", c));
            }
        });
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static String checksum(CharSequence body) {
        CRC32 crc = new CRC32();
        crc.update(body.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    private static String encodeChoices(int[] choices) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(choices.length + 4);
        for (int c : choices) {
            int v = c;
            while ((v & ~0x7F) != 0) {
                out.write((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write(v);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    private static int[] decodeChoices(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("replay line choices field is not valid base64url (" + e.getMessage() + ")", e);
        }
        int[] out = new int[bytes.length];
        int n = 0;
        int i = 0;
        while (i < bytes.length) {
            long v = 0;
            int shift = 0;
            while (true) {
                if (i >= bytes.length) {
                    throw new IllegalArgumentException("replay line choices field ends in the middle of choice " + n);
                }
                int b = bytes[i++] & 0xFF;
                v |= (long) (b & 0x7F) << shift;
                if (v > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("replay line choice " + n + " is too large");
                }
                if ((b & 0x80) == 0) {
                    break;
                }
                shift += 7;
            }
            out[n++] = (int) v;
        }
        int[] choices = Arrays.copyOf(out, n);
        return choices;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && s.seed == seed && s.steps == steps && s.strategy.equals(strategy)
                && Objects.equals(s.policy, policy) && Arrays.equals(s.choices, choices);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(choices) * 31 + Long.hashCode(seed) + strategy.hashCode() + Objects.hashCode(policy);
    }
}
