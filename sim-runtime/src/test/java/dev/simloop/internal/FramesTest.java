package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which frame a message points at: the first that is neither the JDK's nor simloop's runtime (told
 * apart from user code in a {@code dev.simloop} package by where the class was loaded from).
 */
class FramesTest {
    private static StackTraceElement frame(String className, String method, int line) {
        return new StackTraceElement(className, method, className.substring(className.lastIndexOf('.') + 1) + ".java", line);
    }

    @Test
    void theFirstFrameOutsideTheJdkAndTheRuntimeIsTheUsers() {
        StackTraceElement user = frame(FramesTest.class.getName(), "body", 42);
        StackTraceElement[] stack = {frame("java.lang.Object", "wait", 1), frame("jdk.internal.misc.Unsafe", "park", 2),
            frame("sun.nio.ch.Net", "poll", 3), frame(Scheduler.class.getName(), "block", 4), user,
            frame("com.example.Later", "run", 5)};
        assertThat(Frames.userFrame(stack)).isEqualTo(user.toString())
                .isEqualTo("dev.simloop.internal.FramesTest.body(FramesTest.java:42)");
    }

    @Test
    void aStackOfMachineryOnlyGivesItsTopFrameAndAnEmptyOneSaysSo() {
        StackTraceElement top = frame("java.lang.Thread", "run", 7);
        assertThat(Frames.userFrame(new StackTraceElement[] {top, frame(TaskImpl.class.getName(), "runBody", 8)}))
                .isEqualTo(top.toString());
        assertThat(Frames.userFrame(new StackTraceElement[0])).isEqualTo("an unknown frame");
    }

    @Test
    void runtimeClassesAreMachineryAndUserClassesInSimloopPackagesAreNot() {
        assertThat(Frames.isUserFrame(frame(Scheduler.class.getName(), "x", 1))).isFalse();
        assertThat(Frames.isUserFrame(frame("dev.simloop.Loop", "sleep", 1))).isFalse();
        // a test class in dev.simloop.internal is loaded from the test classes, not the runtime
        assertThat(Frames.isUserFrame(frame(FramesTest.class.getName(), "x", 1))).isTrue();
        assertThat(Frames.isUserFrame(frame("dev.simloop.sync.SemaphoreTest", "x", 1))).isTrue();
        // a class that cannot be loaded counts as the runtime's only in the internal package
        assertThat(Frames.isUserFrame(frame("dev.simloop.internal.NoSuchClass", "x", 1))).isFalse();
        assertThat(Frames.isUserFrame(frame("dev.simloop.NoSuchUserClass", "x", 1))).isTrue();
        assertThat(Frames.isUserFrame(frame("com.example.App", "main", 1))).isTrue();
        assertThat(Frames.isUserFrame(frame("jdk.internal.vm.Continuation", "run", 1))).isFalse();
        assertThat(Frames.isUserFrame(frame("sun.misc.Unsafe", "park", 1))).isFalse();
    }
}
