package io.glimpse.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuotaAllocationTest {
    private final QueryAllocation quota = new QuotaAllocation();

    @Test
    void squaredWeightsCappedAtNativeWithExcessRedistributed() {
        // w ∝ (0.9², 0.5², 0.1², 0) = (81, 25, 1, 0): 300·81/107 = 227 > 196 caps frame 0;
        // the other 104 tokens split 25:1 → 100, 4; frame 3 gets nothing and is dropped.
        int[] n = quota.allocate(new double[] {0.9, 0.5, 0.1, 0.0}, new int[] {196, 196, 196, 196}, 300);
        assertThat(n).containsExactly(196, 100, 4, 0);
    }

    @Test
    void uncappedSharesAreFloors() {
        // w ∝ (1, 4, 9) / 14 of 100 → 7.14, 28.57, 64.28
        int[] n = quota.allocate(new double[] {0.1, 0.2, 0.3}, new int[] {729, 729, 729}, 100);
        assertThat(n).containsExactly(7, 28, 64);
    }

    @Test
    void budgetAboveAllNativeCountsGivesEveryFrameItsNativeCount() {
        int[] n = quota.allocate(new double[] {0.2, 0.9, 0.0}, new int[] {10, 20, 30}, 1000);
        assertThat(n).containsExactly(10, 20, 0);
    }

    @Test
    void noRelevanceSplitsEvenly() {
        assertThat(quota.allocate(new double[] {0, 0, 0}, new int[] {196, 196, 196}, 90)).containsExactly(30, 30, 30);
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> quota.allocate(new double[] {Double.NaN}, new int[] {1}, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("relevance");
        assertThatThrownBy(() -> quota.allocate(new double[] {1}, new int[] {1, 2}, 5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> quota.allocate(new double[] {1}, new int[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("budget");
    }
}
