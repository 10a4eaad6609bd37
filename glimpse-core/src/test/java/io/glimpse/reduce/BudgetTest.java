package io.glimpse.reduce;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BudgetTest {

    @Test
    void targetsRoundFractionsDownButKeepOne() {
        assertThat(Budget.keep(0.25).target(10, "m")).isEqualTo(2);
        assertThat(Budget.keep(0.01).target(10, "m")).isEqualTo(1);
        assertThat(Budget.keep(1).target(7, "m")).isEqualTo(7);
        assertThat(Budget.count(7).target(7, "m")).isEqualTo(7);
        assertThat(Budget.remove(3).target(7, "m")).isEqualTo(4);
        assertThatThrownBy(() -> Budget.remove(7).target(7, "m")).hasMessage("m: r=7 would remove all of the 7 tokens it received");
        assertThatThrownBy(() -> Budget.keep(0)).hasMessageContaining("keep must be in (0, 1]");
        assertThatThrownBy(() -> Budget.count(0)).hasMessageContaining("k must be a whole number ≥ 1");
    }

    @Test
    void apportionsOneEachThenTheRestByWhatEachGroupCanGive() {
        assertThat(Budget.apportion(8, new int[] {10, 30}, "m")).containsExactly(2, 6);
        assertThat(Budget.apportion(3, new int[] {1, 1, 50}, "m")).containsExactly(1, 1, 1);
        assertThat(Budget.apportion(5, new int[] {4, 4}, "m")).as("ties to the earlier group").containsExactly(3, 2);
        assertThatThrownBy(() -> Budget.apportion(2, new int[] {5, 5, 5}, "m"))
                .hasMessage("m: budget of 2 tokens is below the 3 groups that each need one");
    }

    @Property(tries = 500)
    void apportionedSharesAddUpAndFit(@ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 50) Integer> sizes,
                                      @ForAll int x) {
        int[] s = sizes.stream().mapToInt(Integer::intValue).toArray();
        int sum = Arrays.stream(s).sum();
        int total = s.length + Math.floorMod(x, sum - s.length + 1);
        int[] q = Budget.apportion(total, s, "m");
        assertThat(Arrays.stream(q).sum()).isEqualTo(total);
        for (int i = 0; i < s.length; i++) {
            assertThat(q[i]).isBetween(1, s[i]);
            for (int j = 0; j < s.length; j++) {
                if (s[i] >= s[j]) {
                    assertThat(q[i]).as("a larger group never gets fewer").isGreaterThanOrEqualTo(q[j] - (s[i] == s[j] ? 1 : 0));
                }
            }
        }
    }
}
