package dev.simloop.internal;

/**
 * Finds the user's frame in a stack, for messages that point at the line to change: the first
 * frame that is not the JDK's or simloop's own machinery.
 */
final class Frames {
    private Frames() {
    }

    /** @return the first user frame of {@code t}'s current stack, as {@code Class.method(File.java:line)} */
    static String userFrame(Thread t) {
        return userFrame(t.getStackTrace());
    }

    /** @return the first user frame of {@code stack}, or its top frame when there is none */
    static String userFrame(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (isUserFrame(e)) {
                return e.toString();
            }
        }
        return stack.length == 0 ? "an unknown frame" : stack[0].toString();
    }

    /** @return whether {@code e} belongs to neither the JDK nor simloop's runtime */
    static boolean isUserFrame(StackTraceElement e) {
        String c = e.getClassName();
        return !c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")
                && !c.startsWith("dev.simloop.internal.");
    }

    /** @return whether {@code t} waits in {@code Object.wait} */
    static boolean inObjectWait(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals("java.lang.Object") && e.getMethodName().startsWith("wait")) {
                return true;
            }
        }
        return false;
    }
}
