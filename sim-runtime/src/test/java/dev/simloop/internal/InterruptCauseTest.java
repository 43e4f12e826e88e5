package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Which exceptions are how an interrupted JDK wait ends (so a cancel that interrupted it becomes
 * {@code Cancelled}): the interrupt kinds, found up to four deep in the cause chain, and not a socket
 * time-out or another socket error.
 */
class InterruptCauseTest {
    @Test
    void theInterruptKindsAreFoundThemselves() {
        InterruptedException ie = new InterruptedException();
        ClosedByInterruptException closed = new ClosedByInterruptException();
        InterruptedIOException io = new InterruptedIOException();
        SocketException socket = new SocketException("Closed by interrupt");
        assertThat(CancelScopeTree.interruptCause(ie)).isSameAs(ie);
        assertThat(CancelScopeTree.interruptCause(closed)).isSameAs(closed);
        assertThat(CancelScopeTree.interruptCause(io)).isSameAs(io);
        assertThat(CancelScopeTree.interruptCause(socket)).isSameAs(socket);
    }

    @Test
    void aSocketTimeOutAndOtherSocketErrorsAreNoInterrupts() {
        assertThat(CancelScopeTree.interruptCause(new SocketTimeoutException("Read timed out"))).isNull();
        assertThat(CancelScopeTree.interruptCause(new SocketException("Connection reset"))).isNull();
        assertThat(CancelScopeTree.interruptCause(new IllegalStateException("plain"))).isNull();
        assertThat(CancelScopeTree.interruptCause(null)).isNull();
    }

    @Test
    void theCauseChainIsSearchedFourDeep() {
        InterruptedException ie = new InterruptedException();
        Throwable three = new RuntimeException(new CompletionException(new UncheckedIOException(
                new InterruptedIOException() {
                    {
                        initCause(ie);
                    }
                })));
        assertThat(CancelScopeTree.interruptCause(three)).isInstanceOf(InterruptedIOException.class);
        Throwable fourth = new RuntimeException(new RuntimeException(new RuntimeException(ie)));
        assertThat(CancelScopeTree.interruptCause(fourth)).as("the fourth in the chain").isSameAs(ie);
        Throwable fifth = new RuntimeException(new RuntimeException(new RuntimeException(new RuntimeException(ie))));
        assertThat(CancelScopeTree.interruptCause(fifth)).as("the fifth is too deep").isNull();
    }
}
