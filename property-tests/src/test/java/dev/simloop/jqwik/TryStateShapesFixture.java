package dev.simloop.jqwik;

import dev.simloop.Schedule;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Expected to fail; run only through EngineTestKit by {@link ReplaysRunInFreshTriesTest}. Try state
 * declared where jqwik finds it but a class's own methods do not show it: a default method of an
 * interface, and an annotation two levels above {@code @BeforeTry}.
 */
final class TryStateShapesFixture {
    static final AtomicInteger BODIES = new AtomicInteger();
    static final AtomicInteger PROGRAMS = new AtomicInteger();

    private TryStateShapesFixture() {
    }

    /** Opens the account before each try, as a default method. */
    interface OpensAnAccount {
        TryLifecycleFixture.Account[] slot();

        @BeforeTry
        default void open() {
            slot()[0] = new TryLifecycleFixture.Account();
        }
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
    @BeforeTry
    @interface Fresh {
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Fresh
    @interface FreshAccount {
    }

    static int check(Schedule schedule, TryLifecycleFixture.Account acc) {
        BODIES.incrementAndGet();
        return Simulations.check(schedule, () -> {
            PROGRAMS.incrementAndGet();
            return TryLifecycleFixture.deposits(acc);
        });
    }

    static class ViaInterface implements OpensAnAccount {
        private final TryLifecycleFixture.Account[] account = new TryLifecycleFixture.Account[1];

        @Override
        public TryLifecycleFixture.Account[] slot() {
            return account;
        }

        @Property(seed = "42", tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
        void deposits(@ForAll Schedule schedule) {
            check(schedule, account[0]);
        }
    }

    static class ViaTwoAnnotations {
        private TryLifecycleFixture.Account account;

        @FreshAccount
        void open() {
            account = new TryLifecycleFixture.Account();
        }

        @Property(seed = "42", tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
        void deposits(@ForAll Schedule schedule) {
            check(schedule, account);
        }
    }

    /** Opens the account before each try in the enclosing class of the @Group that has the property. */
    static class InAnEnclosingClass {
        private TryLifecycleFixture.Account account;

        @BeforeTry
        void open() {
            account = new TryLifecycleFixture.Account();
        }

        @net.jqwik.api.Group
        class Deposits {
            @Property(seed = "42", tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
            void deposits(@ForAll Schedule schedule) {
                check(schedule, account);
            }
        }
    }

    /**
     * A @BeforeTry field: jqwik sets it back to its initial value before each try. That value is a
     * reference made once, so the field holds a number, and each try opens its own account: an account
     * in the field would be the same object in every try, keeping the balances of the tries before
     * (which the message's "not a pin" then names as state kept across tries).
     */
    static class ViaAField {
        @BeforeTry
        private int deposited = 0;

        @Property(seed = "42", tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
        void deposits(@ForAll Schedule schedule) {
            deposited += check(schedule, new TryLifecycleFixture.Account());
        }
    }
}
