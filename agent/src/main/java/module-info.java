/**
 * The simloop agent ({@code -javaagent:simloop-agent.jar}): inside tasks of a simloop simulation,
 * the JDK's clocks, sleeps and timed waits run on the virtual clock. Its one public class for users
 * is {@link dev.simloop.agent.SimloopAgent}, the agent's entry point; the bridge package is what
 * rewritten code calls. It depends on nothing but the JDK, and the runtime does not depend on it.
 */
module dev.simloop.agent {
    requires transitive java.instrument; // premain takes an Instrumentation

    exports dev.simloop.agent;
    exports dev.simloop.agent.bridge;
}
