package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The draft tree template: the reference's shape, its mask, and templates that are not trees. */
class DraftTreeTest {
    @Test
    void theReferenceTemplateHasEightyNodesOnSixLevels() {
        DraftTree t = DraftTree.recycling();
        assertThat(t.size()).isEqualTo(81);
        int[] perLevel = new int[7];
        for (int i = 0; i < t.size(); i++) {
            perLevel[t.depth(i)]++;
            if (i > 0) {
                assertThat(t.depth(i)).isEqualTo(t.depth(t.parent(i)) + 1);
            }
        }
        assertThat(perLevel).containsExactly(1, 8, 21, 25, 15, 8, 3);
        assertThat(t.maxRank()).isEqualTo(7);
    }

    @Test
    void theCompactTemplateIsAChainFiveDeepWithTwoAlternatives() {
        DraftTree t = DraftTree.compact();
        assertThat(t.size()).isEqualTo(8);
        assertThat(t.maxRank()).isEqualTo(1);
        int deepest = 0;
        for (int i = 1; i < t.size(); i++) {
            deepest = Math.max(deepest, t.depth(i));
        }
        assertThat(deepest).isEqualTo(5);
        assertThat(t.children(0)).hasSize(2);
    }

    @Test
    void eachNodeSeesItsAncestorsAndItselfOnly() {
        // root, a = "0", b = "1", c = "0 0": c sees root, a and itself, not its uncle b.
        DraftTree t = DraftTree.parse(List.of("0", "1", "0 0"), "t");
        AttentionMask m = t.mask();
        assertThat(m.hasHoles()).isTrue();
        boolean[][] expected = {
                {true, false, false, false},
                {true, true, false, false},
                {true, false, true, false},
                {true, true, false, true}};
        for (int q = 0; q < 4; q++) {
            for (int k = 0; k < 4; k++) {
                assertThat(m.allowed(q, k)).as("%d sees %d", q, k).isEqualTo(expected[q][k]);
            }
        }
    }

    @Test
    void templatesThatAreNotTreesAreRefusedWithTheirLine() {
        assertThatThrownBy(() -> DraftTree.parse(List.of("0", "1 0"), "t.txt"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("t.txt line 2").hasMessageContaining("before its parent");
        assertThatThrownBy(() -> DraftTree.parse(List.of("# c", "0", "0"), "t.txt"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("line 3").hasMessageContaining("twice");
        assertThatThrownBy(() -> DraftTree.parse(List.of("0 x"), "t.txt"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("'x'");
        assertThatThrownBy(() -> DraftTree.parse(List.of("-1"), "t.txt")).isInstanceOf(BadInputException.class);
    }

    @Test
    void aTableKeepingTooFewCandidatesForTheTreeIsABug() {
        assertThatThrownBy(() -> new TokenRecycling(DraftTree.recycling(), new AdjacencyTable(10, 4)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTableKeepsTheTopKBestFirstLowerIdsOnTies() {
        AdjacencyTable a = new AdjacencyTable(6, 3);
        a.update(2, new float[] {9, 0.5f, 3, 1, 3, 7, 8}, 1, 5);
        assertThat(new int[] {a.candidate(2, 0), a.candidate(2, 1), a.candidate(2, 2)}).containsExactly(4, 1, 3);
        a.reset();
        assertThat(a.candidate(2, 0)).isZero();
    }
}
