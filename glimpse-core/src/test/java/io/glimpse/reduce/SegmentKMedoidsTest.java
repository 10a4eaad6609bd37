package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentKMedoidsTest {
    private static final ReduceContext CTX = ReduceContext.defaults();

    @Property(tries = 200)
    void costNeverRisesAndMedoidsAreMembersNearestToTheirPoints(@ForAll @IntRange(min = 1, max = 30) int m,
                                                               @ForAll @IntRange(min = 1, max = 8) int kRaw,
                                                               @ForAll boolean cosine, @ForAll long seed) {
        int k = Math.min(kRaw, m);
        Random rnd = new Random(seed);
        double[][] points = new double[m][3];
        for (double[] p : points) {
            for (int j = 0; j < 3; j++) {
                p[j] = rnd.nextInt(4) == 0 ? 0 : rnd.nextGaussian();
            }
        }
        double[][] dist = SegmentKMedoids.distances(points,
                cosine ? SegmentKMedoids.Distance.COSINE : SegmentKMedoids.Distance.EUCLIDEAN);
        double[] norm = new double[m];
        for (int i = 0; i < m; i++) {
            norm[i] = Math.sqrt(points[i][0] * points[i][0] + points[i][1] * points[i][1] + points[i][2] * points[i][2]);
        }
        List<Double> costs = new ArrayList<>();
        SegmentKMedoids.Clusters c = SegmentKMedoids.kMedoids(dist, norm, k, 100, costs::add);
        for (int i = 1; i < costs.size(); i++) {
            assertThat(costs.get(i)).as("cost after iteration %d", i).isLessThanOrEqualTo(costs.get(i - 1) + 1e-12);
        }
        assertThat(c.medoids()).hasSize(k).isSorted().doesNotHaveDuplicates();
        for (int j = 0; j < k; j++) {
            assertThat(c.assign()[c.medoids()[j]]).as("medoid %d belongs to its own cluster", j).isEqualTo(j);
        }
        for (int i = 0; i < m; i++) {
            double own = dist[i][c.medoids()[c.assign()[i]]];
            for (int med : c.medoids()) {
                assertThat(own).isLessThanOrEqualTo(dist[i][med]);
            }
        }
    }

    /** Two blobs on a line: {0,1,2} and {10,11,12}; the medoid of each is its middle point. */
    private static TokenSet twoBlobs() {
        return Fixtures.grid(1, 1, 6, new float[] {0, 1}, new float[] {1, 1}, new float[] {2, 1},
                new float[] {10, 1}, new float[] {11, 1}, new float[] {12, 1});
    }

    @Test
    void keepsTheMiddleOfEachBlobAsIs() {
        TokenSet out = Reducers.create("kmedoids:k=2").apply(twoBlobs(), CTX);
        assertThat(out.cols()).containsExactly(1, 4);
        assertThat(out.sizes()).containsExactly(3, 3);
        assertThat(out.vector(0)).containsExactly(1, 1);
        assertThat(out.vector(1)).containsExactly(11, 1);
        assertThat(out.origin()).containsExactly(0, 0, 0, 1, 1, 1);
    }

    @Test
    void spectralClusteringSeparatesTheBlobsToo() {
        TokenSet out = Reducers.create("kmedoids:k=2,cluster=spectral,sigma=2").apply(twoBlobs(), CTX);
        assertThat(out.origin()).containsExactly(0, 0, 0, 1, 1, 1);
    }

    @Test
    void eachSegmentOfFramesGetsItsOwnCentres() {
        float[][] rows = new float[8][];
        for (int i = 0; i < 8; i++) {
            rows[i] = new float[] {i % 4, 1};
        }
        TokenSet out = Reducers.create("kmedoids:k=4,frames=1").apply(Fixtures.grid(2, 2, 2, rows), CTX);
        assertThat(out.tokenFrames()).containsExactly(0, 0, 1, 1);
        TokenSet joint = Reducers.create("kmedoids:k=4,frames=2").apply(Fixtures.grid(2, 2, 2, rows), CTX);
        assertThat(joint.size()).isEqualTo(4);
        assertThat(joint.sizes()).containsExactly(2, 2, 2, 2);
    }
}
