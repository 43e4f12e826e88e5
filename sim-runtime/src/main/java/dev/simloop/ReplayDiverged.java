package dev.simloop;

/**
 * A replay line no longer fits the program it is replayed against: a recorded choice names a
 * candidate the run does not have, the run needs more choices than were recorded, or fewer. Almost
 * always the program or its inputs changed since the line was recorded (a fix, a new test set-up),
 * unless the replay was given another priority policy than its line's, which the message then names;
 * the message says where the run parted from the line. A program that did not change and still
 * parts from its line is not deterministic (it reads something outside the simulation): outside a
 * determinism check the message says so too, and a replay with
 * {@code Simulation.builder().checkDeterminism(true)} then fails with a plain
 * {@link NondeterminismDetected} naming the first step at which two runs differ.
 * {@code Simulation.builder().lenientReplay(true)} continues a replay with its strategy from the
 * first choice that no longer fits.
 */
public class ReplayDiverged extends NondeterminismDetected {
    private static final long serialVersionUID = 1L;

    /** @param message where the run parted from the line, leading with the likely cause */
    public ReplayDiverged(String message) {
        super(message);
    }
}
