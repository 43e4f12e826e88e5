package dev.simloop.sync;

/** How a primitive names itself in messages, traces and deadlock reports. */
final class Names {
    private Names() {
    }

    /** @return {@code kind}, or {@code kind 'name'} when it has a name */
    static String label(String kind, String name) {
        return name == null ? kind : kind + " '" + name + "'";
    }
}
