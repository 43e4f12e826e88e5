package dev.simloop.internal;

/**
 * Set-up advice that more than one module's messages give. The constants are compile-time
 * constants on purpose: javac copies them into the messages that use them, so a message built
 * because its module cannot read this package (the JUnit extension's, with the runtime on the
 * module path) needs no access to it at run time.
 */
public final class SetupAdvice {
    /**
     * What to add when a plugin also sets surefire's {@code argLine}: a plain {@code <argLine>}
     * replaces the property JaCoCo's {@code prepare-agent} sets, so coverage would silently record
     * nothing, and a bare {@code @{argLine}} without the property keeps the test JVM from starting.
     */
    public static final String ARG_LINE_PROPERTY = " (if JaCoCo or another plugin sets the property argLine,"
            + " write @{argLine} in front and declare an empty <argLine></argLine> in <properties>: docs/setup.md)";

    private SetupAdvice() {}
}
