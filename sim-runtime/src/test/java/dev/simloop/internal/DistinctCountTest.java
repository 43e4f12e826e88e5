package dev.simloop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The count of distinct interleavings: exact while small, an estimate in bounded memory after. */
class DistinctCountTest {
    @Test
    void belowTheLimitItCountsExactlyAndDuplicatesOnce() {
        DistinctCount c = new DistinctCount();
        for (int round = 0; round < 3; round++) {
            for (long v = 0; v < DistinctCount.EXACT_LIMIT - 1; v++) {
                c.add(v * 0x9E3779B97F4A7C15L); // 0 included: the set's empty-slot marker
            }
        }
        assertThat(c.isExact()).isTrue();
        assertThat(c.count()).isEqualTo(DistinctCount.EXACT_LIMIT - 1);
    }

    @Test
    void aCountReadBetweenBatchesSeesEveryDigestAddedSoFar() {
        DistinctCount c = new DistinctCount();
        c.add(7);
        c.add(7);
        c.add(8);
        assertThat(c.count()).as("a partial batch").isEqualTo(2);
        c.add(8);
        c.add(9);
        assertThat(c.count()).isEqualTo(3);
        for (long v = 0; v < DistinctCount.BATCH + 5; v++) {
            c.add(1000 + v);
        }
        assertThat(c.isExact()).isTrue();
        assertThat(c.count()).as("a whole batch and a part of the next").isEqualTo(3 + DistinctCount.BATCH + 5);
    }

    @Test
    void fromTheLimitOnItEstimatesWithinTwoPercent() {
        DistinctCount c = new DistinctCount();
        int distinct = 3_000_000;
        for (long v = 1; v <= distinct; v++) {
            c.add(v); // consecutive numbers: the mixing must spread them over the buckets
        }
        assertThat(c.isExact()).isFalse();
        assertThat((double) c.count()).isCloseTo(distinct, within(distinct * 0.02));
        for (long v = 1; v <= distinct; v += 3) {
            c.add(v); // seen already: still about three million, not four
        }
        assertThat((double) c.count()).isCloseTo(distinct, within(distinct * 0.02));
    }

    @Test
    void anEstimateNeverExceedsTheDigestsAddedNorFallsBelowTheLimit() {
        DistinctCount c = new DistinctCount();
        for (long v = 1; v <= DistinctCount.EXACT_LIMIT; v++) {
            c.add(v);
        }
        assertThat(c.isExact()).isFalse();
        assertThat(c.count()).isEqualTo(DistinctCount.EXACT_LIMIT); // both bounds are the limit here
    }
}
