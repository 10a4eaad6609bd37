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

    /** CenterCLIP's aggregation other than None: a cluster becomes the mean of its tokens, not its medoid's row. */
    @Test
    void meanAggregationAveragesEachClusterAroundTheSameMedoids() {
        TokenSet lopsided = Fixtures.grid(1, 1, 6, new float[] {0, 1}, new float[] {1, 1}, new float[] {3, 1},
                new float[] {10, 1}, new float[] {11, 1}, new float[] {12, 1});
        TokenSet medoid = Reducers.create("kmedoids:k=2").apply(lopsided, CTX);
        TokenSet mean = Reducers.create("kmedoids:k=2,aggregation=mean").apply(lopsided, CTX);
        assertThat(medoid.vector(0)).containsExactly(1, 1);
        assertThat(mean.cols()).isEqualTo(medoid.cols());
        assertThat(mean.origin()).isEqualTo(medoid.origin());
        assertThat(mean.vector(0)).containsExactly(4f / 3, 1);
        assertThat(mean.vector(1)).containsExactly(11, 1);
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

    /**
     * Distances from the GEMM Gram matrix agree with sums over coordinates in double, and duplicate points are
     * exactly 0 apart (close pairs are recomputed directly); k-medoids then equals the plain algorithm that sums
     * each candidate medoid's distances over all points of its cluster.
     */
    @Property(tries = 100)
    void fastDistancesAndMedoidsMatchAPlainComputation(@ForAll @IntRange(min = 1, max = 60) int m,
                                                       @ForAll @IntRange(min = 1, max = 20) int kRaw,
                                                       @ForAll @IntRange(min = 1, max = 40) int d,
                                                       @ForAll boolean cosine, @ForAll long seed) {
        int k = Math.min(kRaw, m);
        Random rnd = new Random(seed);
        double[][] points = new double[m][d];
        for (int i = 0; i < m; i++) {
            if (i > 0 && rnd.nextInt(5) == 0) {
                points[i] = points[rnd.nextInt(i)].clone();
                continue;
            }
            for (int j = 0; j < d; j++) {
                points[i][j] = (float) (rnd.nextGaussian() * 3);
            }
        }
        SegmentKMedoids.Distance kind = cosine ? SegmentKMedoids.Distance.COSINE : SegmentKMedoids.Distance.EUCLIDEAN;
        double[][] dist = SegmentKMedoids.distances(points, kind);
        double[] norm = new double[m];
        for (int i = 0; i < m; i++) {
            norm[i] = Math.sqrt(dot(points[i], points[i]));
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double plain = cosine
                        ? 1 - (norm[i] == 0 || norm[j] == 0 ? 0 : Math.max(-1, Math.min(1, dot(points[i], points[j]) / (norm[i] * norm[j]))))
                        : Math.sqrt(Math.max(0, dot(points[i], points[i]) + dot(points[j], points[j]) - 2 * dot(points[i], points[j])));
                if (java.util.Arrays.equals(points[i], points[j])) {
                    assertThat(dist[i][j]).as("duplicates %d, %d", i, j).isEqualTo(i == j ? 0 : plain, org.assertj.core.data.Offset.offset(1e-15));
                } else {
                    assertThat(dist[i][j]).as("pair %d, %d", i, j).isCloseTo(plain, org.assertj.core.data.Offset.offset(1e-4 * (1 + norm[i] + norm[j])));
                }
            }
        }
        SegmentKMedoids.Clusters fast = SegmentKMedoids.kMedoids(dist, norm, k, 100, cost -> { });
        assertThat(fast.medoids()).containsExactly(plainKMedoids(dist, norm, k, 100));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** CenterCLIP's k-medoids as specified (KKZ start, then assign / move to the least-cost member), written plainly. */
    private static int[] plainKMedoids(double[][] dist, double[] norm, int k, int iters) {
        int m = dist.length;
        int[] medoid = new int[k];
        boolean[] isMedoid = new boolean[m];
        for (int i = 1; i < m; i++) {
            if (norm[i] > norm[medoid[0]]) {
                medoid[0] = i;
            }
        }
        isMedoid[medoid[0]] = true;
        for (int c = 1; c < k; c++) {
            int far = -1;
            double farDist = -1;
            for (int i = 0; i < m; i++) {
                double nearest = Double.POSITIVE_INFINITY;
                for (int j = 0; j < c; j++) {
                    nearest = Math.min(nearest, dist[i][medoid[j]]);
                }
                if (!isMedoid[i] && nearest > farDist) {
                    farDist = nearest;
                    far = i;
                }
            }
            medoid[c] = far;
            isMedoid[far] = true;
        }
        int[] assign = new int[m];
        for (int round = 0; round <= iters; round++) {
            for (int i = 0; i < m; i++) {
                int best = 0;
                for (int c = 0; c < k; c++) {
                    if (medoid[c] == i) {
                        best = c;
                        break;
                    }
                    if (dist[i][medoid[c]] < dist[i][medoid[best]]) {
                        best = c;
                    }
                }
                assign[i] = best;
            }
            if (round == iters) {
                break;
            }
            boolean moved = false;
            for (int c = 0; c < k; c++) {
                double bestCost = Double.POSITIVE_INFINITY;
                for (int i = 0; i < m; i++) {
                    if (assign[i] != c) {
                        continue;
                    }
                    double cost = 0;
                    for (int j = 0; j < m; j++) {
                        if (assign[j] == c) {
                            cost += dist[i][j];
                        }
                    }
                    if (i == medoid[c]) {
                        bestCost = Math.min(bestCost, cost);
                    }
                }
                for (int i = 0; i < m; i++) {
                    if (assign[i] != c || i == medoid[c]) {
                        continue;
                    }
                    double cost = 0;
                    for (int j = 0; j < m; j++) {
                        if (assign[j] == c) {
                            cost += dist[i][j];
                        }
                    }
                    if (cost < bestCost) {
                        bestCost = cost;
                        medoid[c] = i;
                        moved = true;
                    }
                }
            }
            if (!moved) {
                break;
            }
        }
        int[] sorted = medoid.clone();
        java.util.Arrays.sort(sorted);
        return sorted;
    }
}
