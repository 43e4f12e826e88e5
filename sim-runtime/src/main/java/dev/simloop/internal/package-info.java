/**
 * simloop's implementation. <strong>Not API</strong>: nothing here is stable, and user code should
 * not import it. The public surface is {@code dev.simloop} and {@code dev.simloop.sync}.
 *
 * <p>Where to find things: {@link dev.simloop.internal.Scheduler} is the run loop and owns every
 * piece of scheduling state; {@link dev.simloop.internal.LoopClock} is the clock (virtual or wall);
 * {@link dev.simloop.internal.CancelScopeTree} is the cancel-scope tree and cancellation delivery;
 * {@link dev.simloop.internal.Picker} is what a strategy does at run time (one file per strategy);
 * {@link dev.simloop.internal.WaitQueue} is the wait protocol every primitive parks and unparks with.
 */
package dev.simloop.internal;
