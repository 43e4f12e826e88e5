package dev.simloop;

/**
 * Thrown by {@link Monitor.Run#await()} when the body handed out an out-of-band value instead of
 * finishing (asynkit's {@code OOBData}): {@link #data()} is that value. Await again to resume the
 * body. It carries no stack trace: it is a message, not a failure.
 */
public class OobData extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The value the body passed to {@link Monitor#oob}; not serialized. */
    private final transient Object data;

    /** @param data the value the body passed to {@link Monitor#oob} */
    public OobData(Object data) {
        super("out-of-band data from a Monitor body: " + data, null, false, false);
        this.data = data;
    }

    /** @return the value the body passed to {@link Monitor#oob} */
    public Object data() {
        return data;
    }
}
