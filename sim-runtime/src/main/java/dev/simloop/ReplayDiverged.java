package dev.simloop;

/**
 * A replay line no longer fits the program it is replayed against: a recorded choice names a
 * candidate the run does not have, the run needs more choices than were recorded, or fewer. Almost
 * always the program or its inputs changed since the line was recorded (a fix, a new test set-up),
 * unless the replay was given another priority policy than its line's, which the message then names;
 * the message says where the run parted from the line. Not a sign that the program reads something
 * outside the simulation: that is a plain {@link NondeterminismDetected} from the determinism
 * check. {@code Simulation.builder().lenientReplay(true)} continues a replay with its strategy from
 * the first choice that no longer fits.
 */
public class ReplayDiverged extends NondeterminismDetected {
    private static final long serialVersionUID = 1L;

    /** @param message where the run parted from the line, leading with the likely cause */
    public ReplayDiverged(String message) {
        super(message);
    }
}
