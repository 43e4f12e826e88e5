package dev.simloop.internal;

/**
 * Finds the user's frame in a stack, for messages that point at the line to change: the first
 * frame that is not the JDK's or simloop's own machinery.
 */
final class Frames {
    private Frames() {
    }

    /** @return the first user frame of {@code t}'s current stack, as {@code Class.method(File.java:line)} */
    static String userFrame(TaskImpl<?> t) {
        return userFrame(stackOf(t));
    }

    /**
     * The stack of a task's thread, read on the driver. Reading the stack of an unmounted virtual
     * thread makes the JDK suspend it and then resubmit it to its scheduler when it is runnable (or
     * was unparked meanwhile): the task's executor knows the task being read
     * ({@link Scheduler#inspecting}) and treats such a resubmission for what it is, a duplicate or a
     * wake-up from outside.
     */
    static StackTraceElement[] stackOf(TaskImpl<?> t) {
        Scheduler loop = t.loop;
        TaskImpl<?> was = loop.inspecting;
        loop.inspecting = t;
        try {
            return t.thread.getStackTrace();
        } finally {
            loop.inspecting = was;
        }
    }

    /** @return the first user frame of {@code t}'s current stack, or null when it has none (a method reference to the runtime's own) */
    static String userFrameOrNull(TaskImpl<?> t) {
        return firstUserFrame(stackOf(t));
    }

    /** @return the first user frame of {@code stack}, or its top frame when there is none */
    static String userFrame(StackTraceElement[] stack) {
        String user = firstUserFrame(stack);
        return user != null ? user : stack.length == 0 ? "an unknown frame" : stack[0].toString();
    }

    private static String firstUserFrame(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (isUserFrame(e)) {
                return e.toString();
            }
        }
        return null;
    }

    /** @return whether {@code e} belongs to neither the JDK nor simloop's runtime */
    static boolean isUserFrame(StackTraceElement e) {
        String c = e.getClassName();
        return !c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")
                && !c.startsWith("dev.simloop.agent.bridge.") // the agent's, where rewritten JDK calls land
                && !(c.startsWith("dev.simloop.") && inRuntime(c));
    }

    /**
     * @return whether the class is simloop's runtime (its own jar), not code of the user's in a
     *     dev.simloop package. Not cached: it runs inside tasks, for messages, and a cache shared by
     *     every loop would make a task wait for a lock another simulation holds.
     */
    private static boolean inRuntime(String className) {
        try {
            Class<?> c = Class.forName(className, false, Frames.class.getClassLoader());
            return java.util.Objects.equals(c.getProtectionDomain().getCodeSource(),
                    Frames.class.getProtectionDomain().getCodeSource());
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return className.startsWith("dev.simloop.internal.");
        }
    }

    /** @return whether {@code stack} has a frame of {@code className} in a method whose name starts with {@code method} */
    static boolean in(StackTraceElement[] stack, String className, String method) {
        for (StackTraceElement e : stack) {
            if (e.getClassName().equals(className) && e.getMethodName().startsWith(method)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return whether {@code stack} (innermost first) parks in one of the loop's own waits
     *     ({@link Scheduler#block}), below nothing but the JDK's park: a wait that only the loop's
     *     driver can end
     */
    static boolean parksInLoopWait(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.")) {
                return c.equals(Scheduler.class.getName()) && e.getMethodName().equals("block");
            }
        }
        return false;
    }

    /** @return whether {@code t} waits in {@code Object.wait} */
    static boolean inObjectWait(TaskImpl<?> t) {
        return in(stackOf(t), "java.lang.Object", "wait");
    }
}
