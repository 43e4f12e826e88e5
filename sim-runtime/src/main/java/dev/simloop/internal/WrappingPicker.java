package dev.simloop.internal;

/** A picker that adds to another one: the hooks go through to it unless overridden. */
abstract class WrappingPicker implements Picker {
    final Picker inner;

    WrappingPicker(Picker inner) {
        this.inner = inner;
    }

    @Override
    public void onSpawn(TaskImpl<?> t) {
        inner.onSpawn(t);
    }

    @Override
    public boolean pollersGiveWay() {
        return inner.pollersGiveWay();
    }

    @Override
    public void spinWaited(TaskImpl<?> t) {
        inner.spinWaited(t);
    }

    @Override
    public boolean tracksObjects() {
        return inner.tracksObjects();
    }

    @Override
    public void touched(Object object) {
        inner.touched(object);
    }

    @Override
    public void runEnded(int choicesMade) {
        inner.runEnded(choicesMade);
    }
}
