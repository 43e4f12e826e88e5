package dev.simloop.bench;

/** Placeholder. */
public final class Report {
    private Report() {
    }

    public static void main(String[] args) {
        System.out.println("report");
    }
}
