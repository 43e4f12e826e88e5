package dev.simloop.junit;

import dev.simloop.BoundedSearch;
import dev.simloop.NondeterminismDetected;
import dev.simloop.Schedule;
import dev.simloop.Shard;
import dev.simloop.Shrinking;
import dev.simloop.Simulation;
import dev.simloop.Strategy;
import dev.simloop.internal.SafeText;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One test invocation's settings: the annotation's, overridden by the {@code simloop.*}
 * configuration parameters (system properties or {@code junit-platform.properties}).
 */
record RunConfig(long baseSeed, boolean freshSeed, int schedules, Strategy strategy, String replay, long maxSteps,
        Duration maxVirtualTime, boolean checkDeterminism, boolean priorityPolicy, boolean checkLeaks,
        SimulatedLoop.Kind search, int bound, Duration timeLimit, List<Class<? extends Throwable>> failOn,
        Duration maxStepWallTime, int parallelism, Shard shard, int shrinkRuns, Duration shrinkTime) {

    static final String SEED = "simloop.seed";
    static final String REPLAY = "simloop.replay";
    static final String SCHEDULES = "simloop.schedules";
    static final String STRATEGY = "simloop.strategy";
    static final String TIME_LIMIT = "simloop.timeLimit";
    static final String PARALLELISM = "simloop.parallelism";
    static final String SHRINK = "simloop.shrink";
    /** The strategy texts of the bounded searches, as {@code -Dsimloop.strategy} may name them: {@code preemptionBounded(2)}. */
    private static final Pattern BOUNDED_TEXT = Pattern.compile("(exhaustive|preemptionBounded|delayBounded)\\((\\d{1,9})\\)");
    /** A bounded search's text whatever its bound, to say what is wrong with one that does not fit {@link #BOUNDED_TEXT}. */
    private static final Pattern ANY_BOUND = Pattern.compile("(?i)(exhaustive|preemptionBounded|delayBounded)\\((.*)\\)");
    /**
     * The CI systems' ids of a run, shared by its shards and new for every run: a sharded test with a
     * fresh seed derives its seed from the first one set, so the shards agree and a nightly run
     * explores new schedules.
     */
    private static final List<String> CI_RUN_IDS = List.of("GITHUB_RUN_ID", "CI_PIPELINE_ID", "CIRCLE_WORKFLOW_ID",
            "BUILDKITE_BUILD_ID");

    private static final Pattern AMOUNT = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h|d)");

    /**
     * @param a the annotation, or null for the defaults
     * @param params looks up a configuration parameter
     */
    static RunConfig resolve(SimulatedLoop a, Function<String, Optional<String>> params) {
        return resolve(a, params, "", System.getenv());
    }

    /**
     * @param a the annotation, or null for the defaults
     * @param params looks up a configuration parameter
     * @param testId the test's unique id: a sharded test with a fresh seed and no CI run id derives its seed from it
     * @param env the environment: CI shard variables and run ids
     */
    static RunConfig resolve(SimulatedLoop a, Function<String, Optional<String>> params, String testId,
            java.util.Map<String, String> env) {
        long seed = a == null ? SimulatedLoop.FRESH_SEED : a.seed();
        int schedules = a == null ? 0 : a.schedules();
        SimulatedLoop.Kind kind = a == null ? SimulatedLoop.Kind.DEFAULT : a.strategy();
        int depth = a == null ? 3 : a.pctDepth();
        int bound = bound(a);
        String replay = a == null ? "" : a.replay().strip();
        long maxSteps = a == null ? Simulation.DEFAULT_MAX_STEPS : a.maxSteps();
        String maxTime = a == null ? "" : a.maxVirtualTime();
        Duration timeLimit = timeLimit(a, params);

        Optional<String> p = param(params, SEED);
        if (p.isPresent()) {
            seed = number(setting(SEED, p.get()), p.get(), Long.MIN_VALUE, Long.MAX_VALUE);
            if (seed == SimulatedLoop.FRESH_SEED) {
                // the annotation's "fresh seed" value: run as one, it would draw a random seed unnoticed
                throw new IllegalArgumentException(setting(SEED, p.get()) + " is below the smallest it takes, "
                        + (Long.MIN_VALUE + 1) + " (Long.MIN_VALUE is SimulatedLoop.FRESH_SEED; leave -D" + SEED
                        + " out for a fresh seed)");
            }
        }
        p = param(params, SCHEDULES);
        if (p.isPresent()) {
            // at least 1: a 0 here, read as "no cap", would have run a single schedule and passed
            String where = setting(SCHEDULES, p.get());
            schedules = (int) number(where, p.get(), Integer.MIN_VALUE, Integer.MAX_VALUE);
            if (schedules < 1) {
                throw new IllegalArgumentException(where + ": must be at least 1 (it sets how many schedules each"
                        + " explored test runs, the cap of a -D" + TIME_LIMIT + " run; leave it out for each test's own"
                        + " @SimulatedLoop(schedules))");
            }
        }
        try {
            Strategy.pct(depth); // its range, checked here to name the setting
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("@SimulatedLoop(pctDepth = " + depth + "): "
                    + e.getMessage().substring(e.getMessage().indexOf("must")), e);
        }
        if (maxSteps < 1) {
            throw new IllegalArgumentException("@SimulatedLoop(maxSteps = " + maxSteps + "): must be at least 1"
                    + " (Long.MAX_VALUE for no step limit)");
        }
        settingsFitTheStrategy(a);
        Strategy strategy = null;
        p = param(params, STRATEGY);
        if (p.isPresent()) {
            Matcher bounded = BOUNDED_TEXT.matcher(p.get());
            Optional<SimulatedLoop.Kind> named = kindNamed(p.get());
            if (bounded.matches()) {
                kind = boundedKind(bounded.group(1));
                bound = Integer.parseInt(bounded.group(2));
            } else if (named.isPresent()) {
                kind = named.get();
            } else {
                badBound(p.get());
                kind = null;
                strategy = strategyFromText(p.get());
            }
        }
        if (schedules < 0) {
            throw new IllegalArgumentException("@SimulatedLoop(schedules = " + schedules
                    + "): must be at least 1 (or 0 for the default)");
        }
        if (schedules == 0) {
            schedules = isBounded(kind) ? SimulatedLoop.EXHAUSTIVE_SCHEDULES : 1;
        }
        if (kind == SimulatedLoop.Kind.DEFAULT) {
            kind = schedules > 1 ? SimulatedLoop.Kind.PORTFOLIO : SimulatedLoop.Kind.RANDOM;
        }
        if (strategy == null) {
            strategy = strategyOf(kind, depth);
        }
        // an empty value is refused (param): read as unset, the test would explore its schedules
        // instead of replaying the failure, and could pass (an empty shard is refused too)
        p = param(params, REPLAY);
        if (p.isPresent()) {
            replay = p.get();
        }
        settingsFitTheSchedules(a, schedules, kind, replay, param(params, SCHEDULES).isPresent(),
                param(params, TIME_LIMIT).orElse(null));
        if (!replay.isEmpty()) {
            try {
                // fails early with the parser's clear message, naming the setting; and for a built
                // schedule, Schedule.of(..), which parses but replays no run
                Simulation.builder().replay(replay);
            } catch (IllegalArgumentException e) {
                // the parser's message quotes the line (cut when long): the setting names its start only
                throw new IllegalArgumentException((p.isPresent() ? setting(REPLAY, replay)
                        : "@SimulatedLoop(replay = \"" + SafeText.input(replay) + "\")") + ": " + e.getMessage(), e);
            }
        }
        Shard shard = shard(params, env);
        boolean fresh = seed == SimulatedLoop.FRESH_SEED;
        if (fresh) {
            seed = shard.isAll() ? ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE : sharedSeed(testId, env);
        }
        return new RunConfig(seed, fresh, replay.isEmpty() ? schedules : 1, strategy, replay, maxSteps,
                parseDuration(maxTime), a != null && a.checkDeterminism(), a != null && a.priorityPolicy(),
                a == null || a.checkLeaks(), isBounded(kind) ? kind : null, isBounded(kind) ? bound : -1, timeLimit,
                a == null ? List.of() : List.of(a.failOn()), maxStepWallTime(a), parallelism(a, params),
                replay.isEmpty() ? shard : Shard.all(), shrinkRuns(a, params), shrinkTime(a));
    }

    /** The bound of a bounded search: {@code bound} when set, else {@code maxPreemptions}. */
    private static int bound(SimulatedLoop a) {
        if (a == null) {
            return 2;
        }
        if (a.bound() != SimulatedLoop.BOUND_FROM_MAX_PREEMPTIONS) {
            if (a.bound() < 0) {
                throw new IllegalArgumentException("@SimulatedLoop(bound = " + a.bound() + "): must be at least 0 (or "
                        + "leave it out to use maxPreemptions, 2 by default)");
            }
            return a.bound();
        }
        if (a.maxPreemptions() < 0) {
            throw new IllegalArgumentException("@SimulatedLoop(maxPreemptions = " + a.maxPreemptions()
                    + "): must be at least 0");
        }
        return a.maxPreemptions();
    }

    /**
     * A setting of the annotation that its own strategy never reads is a mistake to name, not to
     * ignore: {@code bound} (or {@code maxPreemptions}) without a bounded search, {@code pctDepth}
     * without PCT. Only the annotation's own strategy counts: a {@code -Dsimloop.strategy} that
     * overrides it for a run leaves such settings unused, and that is no mistake of the test.
     */
    private static void settingsFitTheStrategy(SimulatedLoop a) {
        if (a == null) {
            return;
        }
        String kind = "strategy = " + (a.strategy() == SimulatedLoop.Kind.DEFAULT ? "DEFAULT (RANDOM, or PORTFOLIO for"
                + " several schedules)" : a.strategy().name());
        if (!isBounded(a.strategy())) {
            String set = a.bound() != SimulatedLoop.BOUND_FROM_MAX_PREEMPTIONS ? "bound = " + a.bound()
                    : a.maxPreemptions() != 2 ? "maxPreemptions = " + a.maxPreemptions() : null;
            if (set != null) {
                throw new IllegalArgumentException("@SimulatedLoop(" + set + "): has no effect with " + kind + ": it"
                        + " bounds the searches EXHAUSTIVE, PREEMPTION_BOUNDED and DELAY_BOUNDED; name one of them as"
                        + " the strategy, or leave it out");
            }
        }
        if (a.pctDepth() != 3 && a.strategy() != SimulatedLoop.Kind.PCT) {
            throw new IllegalArgumentException("@SimulatedLoop(pctDepth = " + a.pctDepth() + "): has no effect with "
                    + kind + ": it is the depth of strategy = PCT (the portfolio's PCT schedules run pct(2) and"
                    + " pct(3)); name PCT as the strategy, or leave it out");
        }
    }

    /**
     * As {@link #settingsFitTheStrategy}: a setting of the annotation that the run's schedules never
     * read is a mistake to name. {@code timeLimit} and {@code parallelism} spread an exploration of
     * many schedules, so on one schedule ({@code schedules} left out) the test would pass after a
     * single run, not explore for the time asked. Unlike a strategy's settings, these are judged by the
     * schedules the run has, {@code -Dsimloop.schedules} and {@code -Dsimloop.strategy} included: a
     * test may leave its count to a nightly job's {@code -Dsimloop.schedules}. A replay runs one
     * schedule whatever the rest says, so a line pasted into an exploring annotation is no mistake.
     * ({@code shrinkTime} beside {@code shrink = false} is none either: it is the budget for
     * {@code -Dsimloop.shrink=true}.)
     *
     * A {@code -Dsimloop.timeLimit} is judged likewise: given alone, to explore for a time, it would run
     * a single schedule of each test that sets no {@code schedules} of its own and pass, as a limit
     * that stops nothing; so it is an error that names {@code -Dsimloop.schedules}, the cap it needs.
     *
     * @param schedules the run's count, resolved ({@code -Dsimloop.schedules} over the annotation's, 0 as 1)
     * @param kind the run's search, resolved, or null for a strategy given as text
     * @param replay the run's replay line, resolved, or empty
     * @param countFromProperty whether {@code schedules} came from {@code -Dsimloop.schedules}
     * @param timeLimitProperty the value of {@code -Dsimloop.timeLimit}, stripped, or null when it is not set
     */
    private static void settingsFitTheSchedules(SimulatedLoop a, int schedules, SimulatedLoop.Kind kind, String replay,
            boolean countFromProperty, String timeLimitProperty) {
        if (!replay.isBlank() || schedules != 1 || isBounded(kind)) {
            return;
        }
        String runs = countFromProperty ? "-D" + SCHEDULES + "=1"
                : a == null || a.schedules() == 0 ? "schedules left out runs 1" : "schedules = 1";
        if (timeLimitProperty != null) {
            throw new IllegalArgumentException(setting(TIME_LIMIT, timeLimitProperty) + ": has no effect on this test's"
                    + " one schedule (" + (countFromProperty ? runs : "@SimulatedLoop(" + runs + ")") + "): it stops an"
                    + " exploration of many schedules once its time is up; set -D" + SCHEDULES + " too, as the cap"
                    + " (-D" + SCHEDULES + "=100000000 explores every test until the time is up), or leave it out");
        }
        if (a != null) {
            String one = "): has no effect with one schedule (" + runs + "): ";
            if (!a.timeLimit().isBlank()) {
                throw new IllegalArgumentException("@SimulatedLoop(timeLimit = \"" + SafeText.input(a.timeLimit().strip())
                        + "\"" + one + "it stops an exploration of many schedules once its time is up; set schedules"
                        + " too, as the cap (schedules = 100_000_000 explores until the time is up), or leave it out");
            }
            if (a.parallelism() > 1) {
                throw new IllegalArgumentException("@SimulatedLoop(parallelism = " + a.parallelism() + one + "it runs"
                        + " an exploration's schedules side by side; set schedules too, or leave it out");
            }
        }
    }

    private static boolean isBounded(SimulatedLoop.Kind kind) {
        return kind == SimulatedLoop.Kind.EXHAUSTIVE || kind == SimulatedLoop.Kind.PREEMPTION_BOUNDED
                || kind == SimulatedLoop.Kind.DELAY_BOUNDED;
    }

    private static SimulatedLoop.Kind boundedKind(String text) {
        return switch (text) {
            case "exhaustive" -> SimulatedLoop.Kind.EXHAUSTIVE;
            case "preemptionBounded" -> SimulatedLoop.Kind.PREEMPTION_BOUNDED;
            default -> SimulatedLoop.Kind.DELAY_BOUNDED;
        };
    }

    /** The shrinking budget of runs: 0 when {@code shrink} (or {@code -Dsimloop.shrink}) turns it off. */
    private static int shrinkRuns(SimulatedLoop a, Function<String, Optional<String>> params) {
        boolean on = a == null || a.shrink();
        Optional<String> p = param(params, SHRINK);
        if (p.isPresent()) {
            if (!p.get().equalsIgnoreCase("true") && !p.get().equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(setting(SHRINK, p.get()) + ": write true or false");
            }
            on = Boolean.parseBoolean(p.get());
        }
        int runs = a == null ? Shrinking.DEFAULT_MAX_RUNS : a.shrinkRuns();
        if (runs < 0) {
            throw new IllegalArgumentException("@SimulatedLoop(shrinkRuns = " + runs + "): must be at least 0 (0 turns "
                    + "shrinking off)");
        }
        return on ? runs : 0;
    }

    /** The shrinking budget of wall time: the annotation's, or 2 seconds. */
    private static Duration shrinkTime(SimulatedLoop a) {
        String text = a == null ? "" : a.shrinkTime().strip();
        if (text.isEmpty()) {
            return Shrinking.DEFAULT_MAX_TIME;
        }
        String where = "@SimulatedLoop(shrinkTime = \"" + text + "\")";
        Duration d = parseDuration(text, where, "\"2s\", \"500ms\" or ISO-8601 \"PT2S\"");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(where + ": must be positive; leave it empty for the default, 2s");
        }
        return d;
    }

    /** The shard of this JVM: {@code simloop.shard} (also from junit-platform.properties), else the CI variables'. */
    private static Shard shard(Function<String, Optional<String>> params, java.util.Map<String, String> env) {
        return Shard.fromEnvironment(key -> params.apply(key).orElse(null), env);
    }

    /**
     * The seed every shard of a test with a fresh seed uses: mixed from the CI run's id, when one is
     * set, and the test's id; so shards of one run agree, and each run explores new schedules.
     */
    static long sharedSeed(String testId, java.util.Map<String, String> env) {
        String run = CI_RUN_IDS.stream().map(env::get).filter(v -> v != null && !v.isBlank()).findFirst().orElse("");
        long h = 1125899906842597L;
        for (char c : (run + "/" + testId).toCharArray()) {
            h = 31 * h + c;
        }
        return mix(h) & Long.MAX_VALUE;
    }

    /**
     * The settings for a {@code @TestInstance(PER_CLASS)} test, which keeps one instance: schedules
     * that ran at once would share its fields. So a JVM-wide {@code -Dsimloop.parallelism} (a soak
     * run's, say) runs its schedules one at a time, and the annotation asking for more is an error.
     *
     * @param params the configuration parameters {@link #resolve} read
     * @return these settings, with a parallelism of 1 when a property set it
     * @throws IllegalArgumentException when the annotation asks for more than one worker
     */
    RunConfig forOneKeptInstance(Function<String, Optional<String>> params) {
        if (parallelism == 1) {
            return this;
        }
        if (param(params, PARALLELISM).isEmpty()) {
            throw new IllegalArgumentException("@SimulatedLoop(parallelism = " + parallelism + ") on a"
                    + " @TestInstance(PER_CLASS) test: its schedules would run at once on the one instance it keeps,"
                    + " sharing its fields; drop PER_CLASS (each schedule then gets a fresh instance) or the parallelism");
        }
        return new RunConfig(baseSeed, freshSeed, schedules, strategy, replay, maxSteps, maxVirtualTime,
                checkDeterminism, priorityPolicy, checkLeaks, search, bound, timeLimit, failOn, maxStepWallTime, 1, shard,
                shrinkRuns, shrinkTime);
    }

    /**
     * @param line a replay line this test recorded
     * @return these settings replaying {@code line}, as {@code -Dsimloop.replay} would: one
     *     schedule, in every shard
     */
    RunConfig replaying(String line) {
        return new RunConfig(baseSeed, freshSeed, 1, strategy, line, maxSteps, maxVirtualTime, checkDeterminism,
                priorityPolicy, checkLeaks, search, bound, timeLimit, failOn, maxStepWallTime, parallelism, Shard.all(),
                shrinkRuns, shrinkTime);
    }

    private static int parallelism(SimulatedLoop a, Function<String, Optional<String>> params) {
        Optional<String> p = param(params, PARALLELISM);
        int n = a == null ? 1 : a.parallelism();
        String where = "@SimulatedLoop(parallelism = " + n + ")";
        if (p.isPresent()) {
            where = setting(PARALLELISM, p.get());
            n = (int) number(where, p.get(), Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (n < 1) {
            throw new IllegalArgumentException(where + ": must be at least 1 (schedules run one at a time with 1)");
        }
        if (n > dev.simloop.internal.OrderedRuns.MAX_WORKERS) {
            throw new IllegalArgumentException(where + ": must be at most " + dev.simloop.internal.OrderedRuns.MAX_WORKERS
                    + " (a driver thread each; the results do not depend on it)");
        }
        return n;
    }

    /**
     * @param where the setting as the user wrote it, for the error
     * @return {@code text} as a whole number from {@code min} to {@code max}
     * @throws IllegalArgumentException naming the setting: not a number, or one out of that range
     */
    static long number(String where, String text, long min, long max) {
        String t = text.strip();
        if (!t.matches("[+-]?[0-9]+")) {
            // BigInteger would read other scripts' digits (Arabic-Indic ones, say), which a replay
            // line, a shard and the results file never take: one rule for every number a user writes
            boolean otherDigits = t.codePoints().anyMatch(c -> Character.isDigit(c) && (c < '0' || c > '9'));
            // 100_000_000, as in @SimulatedLoop(schedules = 100_000_000), or 100,000,000
            String joined = t.replaceAll("(?<=[0-9])[_,](?=[0-9])", "");
            throw new IllegalArgumentException(where + " is not a number" + (otherDigits ? " in the digits 0-9"
                    : !joined.equals(t) && joined.matches("[+-]?[0-9]+") ? ": write its digits alone, " + joined : ""));
        }
        // more digits than a long has are out of range whatever they are: read as +-10^19 (BigInteger
        // would take seconds to read megabytes of them)
        java.math.BigInteger n = t.replaceFirst("^[+-]?0*", "").length() > 19
                ? java.math.BigInteger.TEN.pow(19).multiply(java.math.BigInteger.valueOf(t.startsWith("-") ? -1 : 1))
                : new java.math.BigInteger(t);
        if (n.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
            throw new IllegalArgumentException(where + " is above the largest it takes, " + max);
        }
        if (n.compareTo(java.math.BigInteger.valueOf(min)) < 0) {
            throw new IllegalArgumentException(where + " is below the smallest it takes, " + min);
        }
        return n.longValue();
    }

    /** The annotation's step wall-time limit, or the runtime's default. */
    private static Duration maxStepWallTime(SimulatedLoop a) {
        String text = a == null ? "" : a.maxStepWallTime().strip();
        if (text.isEmpty()) {
            return Simulation.DEFAULT_MAX_STEP_WALL_TIME;
        }
        String where = "@SimulatedLoop(maxStepWallTime = \"" + text + "\")";
        Duration d = parseDuration(text, where, "\"10s\", \"500ms\" or ISO-8601 \"PT10S\"");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(where + ": must be positive; leave it empty for the default, 10s");
        }
        return d;
    }

    /** The annotation's time limit, or {@code -Dsimloop.timeLimit}'s; null for none. */
    private static Duration timeLimit(SimulatedLoop a, Function<String, Optional<String>> params) {
        Optional<String> p = param(params, TIME_LIMIT);
        String text = p.orElse(a == null ? "" : a.timeLimit()).strip();
        if (text.isEmpty()) {
            return null;
        }
        String where = p.isPresent() ? setting(TIME_LIMIT, text) : "@SimulatedLoop(timeLimit = \"" + SafeText.input(text) + "\")";
        Duration d = parseDuration(text, where, "\"PT30S\" (ISO-8601) or \"30s\", \"5m\"");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(where + ": must be positive; leave " + (p.isPresent() ? "the property out"
                    : "it empty") + " for no time limit");
        }
        return d;
    }

    /**
     * Fails for a property set in another case than the one this reads, {@code -Dsimloop.timelimit}
     * say: configuration parameters are case-sensitive, so it would be ignored, and the run would
     * go as without it (a soak job's limit, no limit at all).
     *
     * @param names the names of the properties set (the system properties)
     * @throws IllegalArgumentException naming the property and how it is spelt
     */
    static void checkPropertyNames(java.util.Collection<String> names) {
        List<String> known = List.of(SEED, REPLAY, SCHEDULES, STRATEGY, TIME_LIMIT, PARALLELISM, SHRINK, Shard.PROPERTY,
                Results.PROPERTY);
        for (String name : names) {
            if (name.regionMatches(true, 0, "simloop.", 0, 8)) {
                for (String k : known) {
                    if (name.equalsIgnoreCase(k) && !name.equals(k) && !names.contains(k)) {
                        throw new IllegalArgumentException("-D" + SafeText.input(name) + " is not read: the property is"
                                + " spelt " + k + " (-D" + k + "=...), and JUnit's configuration parameters are"
                                + " case-sensitive, so the run would go as without it");
                    }
                }
                checkNotAMisspelling(name, names, known);
            }
        }
    }

    /** The simloop properties that other parts of simloop read (the agent, the runtime): no misspellings of this one's. */
    private static final List<String> OTHER_PROPERTIES =
            List.of("simloop.agent.verbose", "simloop.idleWarning", "simloop.slowStepThreshold");

    /**
     * Fails for a property one or two letters away from one this reads, {@code -Dsimloop.schedule=100000}
     * say: it would be ignored, and a nightly job would run each test's own count, passing as if it had
     * explored. A name further from all of them ({@code simloop.futureSetting}) is left alone.
     */
    private static void checkNotAMisspelling(String name, java.util.Collection<String> names, List<String> known) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (known.stream().anyMatch(k -> k.equalsIgnoreCase(name))
                || OTHER_PROPERTIES.stream().anyMatch(o -> o.equalsIgnoreCase(name))) {
            return;
        }
        for (String k : known) {
            if (!names.contains(k) && editDistance(lower, k.toLowerCase(java.util.Locale.ROOT)) <= 2) {
                throw new IllegalArgumentException("-D" + SafeText.input(name) + " is not read: no simloop setting has"
                        + " that name, so the run would go as without it; did you mean -D" + k + "=...?");
            }
        }
    }

    /** @return the Levenshtein distance of {@code a} and {@code b}: how many letters to insert, delete or change */
    private static int editDistance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
    }

    /** @return a property setting as messages name it, a long value cut ({@link SafeText#input}) */
    private static String setting(String key, String value) {
        return "-D" + key + "=" + SafeText.input(value);
    }

    /**
     * @return the stripped value of the property {@code key}, empty when it is not set
     * @throws IllegalArgumentException when it is set but blank: most often a CI variable that was not
     *     set ({@code -Dsimloop.timeLimit=$SOAK}), which read as unset would quietly run each test's own
     *     settings (no time limit: a soak job capped only by {@code -Dsimloop.schedules} runs for hours)
     */
    private static Optional<String> param(Function<String, Optional<String>> params, String key) {
        Optional<String> value = params.apply(key);
        if (value.isPresent() && value.get().isBlank()) {
            throw new IllegalArgumentException(empty(key, value.get()));
        }
        return value.map(String::strip);
    }

    /** @return the error for the property {@code key} set to the blank {@code value}: what to give it, or to leave it out */
    private static String empty(String key, String value) {
        if (key.equals(REPLAY)) {
            // the value is not shown: a blank line is no line, whatever its spaces
            return "-D" + REPLAY + " is empty: give it the replay line a failure printed (-D" + REPLAY
                    + "=\"simloop:1:...\"), or leave the property out to explore the test's schedules (an empty value is"
                    + " most often a CI variable that was not set)";
        }
        String give = switch (key) {
            case SEED -> "a seed (-D" + SEED + "=42), or leave the property out for each test's own seed";
            case SCHEDULES -> "a count (-D" + SCHEDULES + "=100000), or leave the property out for each test's own"
                    + " @SimulatedLoop(schedules)";
            case STRATEGY -> "a strategy (-D" + STRATEGY + "=pct), or leave the property out for each test's own"
                    + " @SimulatedLoop(strategy)";
            case TIME_LIMIT -> "a duration (-D" + TIME_LIMIT + "=PT10M), or leave the property out for each test's own"
                    + " @SimulatedLoop(timeLimit), none by default";
            case PARALLELISM -> "a count of threads (-D" + PARALLELISM + "=4), or leave the property out for each test's"
                    + " own @SimulatedLoop(parallelism)";
            case SHRINK -> "true or false, or leave the property out for each test's own @SimulatedLoop(shrink)";
            default -> "a value, or leave the property out";
        };
        return "-D" + key + "=\"" + SafeText.input(value) + "\" is empty: give it " + give + " (an empty value is"
                + " most often a CI variable that was not set)";
    }

    private static Optional<SimulatedLoop.Kind> kindNamed(String text) {
        for (SimulatedLoop.Kind k : SimulatedLoop.Kind.values()) {
            if (k.name().equalsIgnoreCase(text)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** Fails for a bounded search whose bound is no count from 0 to 999,999,999, or whose name is not spelt as documented. */
    private static void badBound(String text) {
        Matcher m = ANY_BOUND.matcher(text);
        if (!m.matches()) {
            return;
        }
        String name = java.util.stream.Stream.of("exhaustive", "preemptionBounded", "delayBounded")
                .filter(n -> n.equalsIgnoreCase(m.group(1))).findFirst().orElseThrow();
        if (!name.equals(m.group(1))) {
            throw new IllegalArgumentException(setting(STRATEGY, text) + ": write the search as " + name + "("
                    + m.group(2) + ")");
        }
        throw new IllegalArgumentException(setting(STRATEGY, text) + ": the bound of " + name + "(k) is a count"
                + " from 0 to 999999999, but was '" + m.group(2) + "'");
    }

    private static Strategy strategyFromText(String text) {
        try {
            return Strategy.parse(text);
        } catch (IllegalArgumentException e) {
            String kinds = java.util.Arrays.stream(SimulatedLoop.Kind.values()).filter(k -> k != SimulatedLoop.Kind.DEFAULT)
                    .map(k -> k.name().toLowerCase(java.util.Locale.ROOT))
                    .collect(java.util.stream.Collectors.joining(", "));
            throw new IllegalArgumentException(setting(STRATEGY, text) + ": " + e.getMessage() + "; it also takes"
                    + " the kinds of @SimulatedLoop(strategy) (" + kinds + ") and a bounded search with its bound"
                    + " (exhaustive(2), preemptionBounded(2), delayBounded(2))", e);
        }
    }

    private static Strategy strategyOf(SimulatedLoop.Kind kind, int depth) {
        return RuntimeSeams.strategy(kind, depth);
    }

    /** ISO-8601 ({@code PT2H}) or a number with a unit ({@code 90s}, {@code 2h}); empty means the default. */
    static Duration parseDuration(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return Simulation.DEFAULT_MAX_VIRTUAL_TIME;
        }
        String setting = "@SimulatedLoop(maxVirtualTime = \"" + text + "\")";
        Duration d = parseDuration(t, setting, "\"90s\", \"2h\", \"7d\" or ISO-8601 \"PT2H\"");
        try {
            Simulation.builder().maxVirtualTime(d); // the builder's range, checked here to name the setting
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + e.getMessage().substring(e.getMessage().indexOf(':')), e);
        }
        return d;
    }

    /**
     * @param t a stripped, non-empty duration: ISO-8601 or a number with a unit
     * @param where the setting it comes from, for the error message
     * @param examples what to write instead, for the error message
     */
    private static Duration parseDuration(String t, String where, String examples) {
        if (t.startsWith("-") && !t.startsWith("--")) {
            // each setting's own range check then says what it takes (zero is a valid maxVirtualTime)
            Duration magnitude = parseDuration(t.substring(1), where, examples);
            try {
                return magnitude.negated();
            } catch (ArithmeticException e) {
                throw tooLong(where, examples, e); // -PT-9223372036854775808S: one second past the longest Duration
            }
        }
        Matcher m = AMOUNT.matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ns" -> Duration.ofNanos(n);
                    case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } catch (NumberFormatException | ArithmeticException e) {
                throw tooLong(where, examples, e);
            }
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            if (e.getCause() instanceof ArithmeticException || e.getCause() instanceof NumberFormatException) {
                throw tooLong(where, examples, e); // PT9999999999999999999H is written right, but overflows
            }
            throw new IllegalArgumentException(where + ": not a duration; write e.g. " + examples, e);
        }
    }

    private static IllegalArgumentException tooLong(String where, String examples, RuntimeException e) {
        return new IllegalArgumentException(where + ": too long a duration (a Duration holds up to about"
                + " 292 billion years, and nanoseconds up to 292 years); write e.g. " + examples, e);
    }

    /**
     * @return the seed of schedule {@code i}: the base seed for the first, well-mixed derivations
     *     after; an exhaustive search uses the base seed throughout (it varies the choices instead)
     */
    long seedFor(int i) {
        if (i == 0 || isBoundedSearch()) {
            return baseSeed;
        }
        long derived = mix(baseSeed + i * 0x9E3779B97F4A7C15L);
        int members = strategy.members().size();
        if (members == 0) {
            return derived;
        }
        // A portfolio's member is the seed's remainder by its size: keep it (baseSeed + i)'s, so the
        // schedules take the members in turn, as an Exploration's (seed + i) do. Halved first, so
        // that moving to the right remainder cannot overflow.
        long half = derived >>> 1;
        return half - Math.floorMod(half, members) + Math.floorMod(baseSeed + i, members);
    }

    /** SplitMix64's finalizer: well-mixed bits from a counter. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * @return whether a schedule that failed with {@code failure} fails the test: it is an instance
     *     of a class {@link SimulatedLoop#failOn()} names (or that names none), or the run could not
     *     be reproduced ({@link NondeterminismDetected}), which no test should pass with
     */
    boolean failsOn(Throwable failure) {
        return failOn.isEmpty() || failure instanceof NondeterminismDetected
                || failOn.stream().anyMatch(c -> c.isInstance(failure));
    }

    boolean isReplay() {
        return !replay.isEmpty();
    }

    /**
     * @return whether the schedules come from a bounded search ({@link SimulatedLoop.Kind#EXHAUSTIVE},
     *     {@link SimulatedLoop.Kind#PREEMPTION_BOUNDED}, {@link SimulatedLoop.Kind#DELAY_BOUNDED})
     */
    boolean isBoundedSearch() {
        return search != null && !isReplay();
    }

    /** @return a new search for this shard: the bounded search the kind names */
    BoundedSearch newSearch() {
        return switch (search) {
            case PREEMPTION_BOUNDED -> BoundedSearch.preemptions(bound, shard);
            case DELAY_BOUNDED -> BoundedSearch.delays(bound, shard);
            default -> BoundedSearch.upTo(bound, shard);
        };
    }

    /** @return the bound of the search with what it counts: {@code 1 delay}, {@code 2 preemptions} */
    String boundText() {
        String unit = search == SimulatedLoop.Kind.DELAY_BOUNDED ? "delay" : "preemption";
        return bound() + " " + (bound() == 1 ? unit : unit + "s");
    }

    /** @return whether a failure is shrunk */
    boolean shrinks() {
        return shrinkRuns > 0 && !isReplay();
    }

    /** @return whether the test's failure has the fewest preemptions already: an unsharded preemption-bounded search's */
    boolean fewestAlready() {
        return isBoundedSearch() && search == SimulatedLoop.Kind.PREEMPTION_BOUNDED && shard.isAll();
    }

    /** @return a builder for schedule {@code i}, with {@link #scheduleLimits} */
    Simulation.Builder builder(int i) {
        Simulation.Builder b = Simulation.builder();
        if (isReplay()) {
            b.replay(replay);
        } else {
            b.seed(seedFor(i)).strategy(strategy);
        }
        return scheduleLimits(b);
    }

    /**
     * The limits of an explored schedule. Untraced: tracing every schedule costs more than a small
     * test's run, and only a failing schedule's trace is ever shown, so the report replays that one
     * traced. A checked or replayed run is traced at once: it runs once or twice anyway, and its
     * report must show the run that was judged, which a replay of a nondeterministic test may not be.
     */
    Simulation.Builder scheduleLimits(Simulation.Builder b) {
        return checkDeterminism || isReplay() ? limits(b) : untracedLimits(b);
    }

    Simulation.Builder limits(Simulation.Builder b) {
        // Traced so that a failing schedule's report can show its last events and a timeline
        // without running the test body again.
        return untracedLimits(b).trace(true);
    }

    /** The run limits without turning tracing on: for shrinking's many replays (it traces the one it keeps). */
    Simulation.Builder untracedLimits(Simulation.Builder b) {
        b.maxSteps(maxSteps).maxVirtualTime(maxVirtualTime).maxStepWallTime(maxStepWallTime).checkLeaks(checkLeaks);
        if (!isReplay() || Schedule.parse(replay).priorityPolicy().isEmpty()) {
            RuntimeSeams.priorityPolicy(b, priorityPolicy); // a line recorded with a policy brings its own
        }
        return b;
    }

    /**
     * @return the elements of {@code @SimulatedLoop} that set this test's step and virtual-time
     *     limits where they are not the runtime's defaults, each after a comma, as a pasted replay of
     *     a run that a limit stopped must repeat them (e.g. {@code , maxSteps = 300}); empty when
     *     both are the defaults. A replay keeps the annotation's other elements, so it needs no more.
     */
    String limitElements() {
        String elements = "";
        if (maxSteps != Simulation.DEFAULT_MAX_STEPS) {
            elements += ", maxSteps = " + maxSteps + (maxSteps > Integer.MAX_VALUE ? "L" : ""); // pasted as Java source
        }
        if (!maxVirtualTime.equals(Simulation.DEFAULT_MAX_VIRTUAL_TIME)) {
            elements += ", maxVirtualTime = \"" + maxVirtualTime + "\""; // ISO-8601, which the element accepts
        }
        return elements;
    }

    String strategyText() {
        return isReplay() ? Schedule.parse(replay).strategy()
                : isBoundedSearch() ? searchName() + "(" + bound + ")" : strategy.toString();
    }

    /** @return what the bounded search counts, for {@link dev.simloop.internal.SearchOrder}; null when the test samples */
    dev.simloop.internal.SearchOrder.Measure searchMeasure() {
        if (!isBoundedSearch()) {
            return null;
        }
        return switch (search) {
            case PREEMPTION_BOUNDED -> dev.simloop.internal.SearchOrder.Measure.PREEMPTIONS;
            case DELAY_BOUNDED -> dev.simloop.internal.SearchOrder.Measure.DELAYS;
            default -> dev.simloop.internal.SearchOrder.Measure.DEPARTURES;
        };
    }

    /** @return the bounded search as reports name it, as {@code BoundedSearch.toString()} does */
    private String searchName() {
        return switch (search) {
            case PREEMPTION_BOUNDED -> "preemptionBounded";
            case DELAY_BOUNDED -> "delayBounded";
            default -> "exhaustive";
        };
    }

    /** @return the seed the run will use: the replay line's seed when replaying */
    long builderSeed() {
        return isReplay() ? Schedule.parse(replay).seed() : baseSeed;
    }
}
