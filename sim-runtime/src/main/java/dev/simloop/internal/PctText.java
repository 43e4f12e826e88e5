package dev.simloop.internal;

/**
 * What a strategy's text says of PCT, for {@code Strategy} and for the JUnit extension, which learns
 * PCT's choice count from a test's first schedules as {@code Exploration} does and must read a
 * strategy the same way: {@code pct(d)} learns its count, {@code pct(d,k)} was given one.
 */
public final class PctText {
    private PctText() {
    }

    /** @return the PCT depth of the strategy written {@code text}, or 0 when it is not PCT */
    public static int depth(String text) {
        return text.startsWith("pct(") ? Integer.parseInt(text.substring(4, text.indexOf(')')).split(",")[0]) : 0;
    }

    /** @return whether the strategy written {@code text} is PCT with no choice count given, so it may learn one */
    public static boolean learnsChoices(String text) {
        return text.startsWith("pct(") && !text.contains(",");
    }
}
