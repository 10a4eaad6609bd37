package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tensor.Gemm;
import io.glimpse.tokens.TokenSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleConsumer;

/**
 * Replaces the tokens of each segment of consecutive frames by cluster centres that are tokens themselves (medoids),
 * by deterministic k-medoids with KKZ initialisation: CenterCLIP (Zhao et al., "CenterCLIP: Token Clustering for
 * Efficient Text-Video Retrieval", SIGIR 2022). Parameters: {@code keep} (default 0.5) or {@code k}, apportioned to
 * segments by token count; {@code frames} per segment (2); {@code cluster=kmedoids|spectral}; {@code distance=
 * euclidean|cosine}; {@code iters} (100); spectral {@code sigma} (2.0); {@code aggregation} medoid (default, the
 * code's {@code aggregation=None}: a cluster is its medoid's row) or mean (its members' mean, the code's other
 * choice; size-weighted here, the same for unmerged tokens). CenterCLIP stops on a medoid-shift threshold,
 * this when the medoids stop changing. Centres keep spatio-temporal order.
 */
public final class SegmentKMedoids implements Reducer {
    public static final String NAME = "kmedoids";

    /** How tokens are embedded before k-medoids. */
    public enum Clustering {
        /** On the token embeddings directly. */
        KMEDOIDS,
        /** On the leading eigenvectors of the normalized heat-kernel affinity (spectral clustering). */
        SPECTRAL
    }

    /** Distance between token embeddings. */
    public enum Distance { EUCLIDEAN, COSINE }

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.POOLED,
            "CenterCLIP: per segment of consecutive frames, k-medoids (KKZ init) centres kept as tokens",
            spec -> new SegmentKMedoids(spec.budget(), spec.integer("frames"),
                    Clustering.valueOf(spec.choice("cluster").toUpperCase(Locale.ROOT)),
                    Distance.valueOf(spec.choice("distance").toUpperCase(Locale.ROOT)),
                    spec.integer("iters"), spec.real("sigma"), spec.choice("aggregation").equals("mean")),
            ParamDef.keep(0.5),
            ParamDef.count(),
            ParamDef.integer("frames", 1, 1 << 20, 2, "consecutive frames per segment"),
            ParamDef.choice("cluster", "kmedoids", "kmedoids on embeddings, or spectral embedding first",
                    "kmedoids", "spectral"),
            ParamDef.choice("distance", "euclidean", "distance between embeddings", "euclidean", "cosine"),
            ParamDef.integer("iters", 1, 10_000, 100, "most k-medoids iterations"),
            ParamDef.realAbove("sigma", 0, 1e6, 2.0, "heat-kernel width for spectral clustering"),
            ParamDef.choice("aggregation", "medoid", "a cluster's row: medoid = its medoid's (CenterCLIP's default), "
                    + "mean = its members' mean", "medoid", "mean"));

    private final Budget budget;
    private final int framesPerSegment;
    private final Clustering clustering;
    private final Distance distance;
    private final int iters;
    private final double sigma;
    private final boolean mean;

    /** @param mean a cluster becomes its members' size-weighted mean instead of its medoid's row */
    public SegmentKMedoids(Budget budget, int framesPerSegment, Clustering clustering, Distance distance, int iters,
                           double sigma, boolean mean) {
        if (budget.kind() == Budget.Kind.REMOVE || framesPerSegment < 1 || iters < 1 || !(sigma > 0)) {
            throw new BadInputException(NAME + ": needs keep= or k=, frames ≥ 1, iters ≥ 1 and sigma > 0");
        }
        this.budget = budget;
        this.framesPerSegment = framesPerSegment;
        this.clustering = clustering;
        this.distance = distance;
        this.iters = iters;
        this.sigma = sigma;
        this.mean = mean;
    }

    public SegmentKMedoids(Budget budget, int framesPerSegment, Clustering clustering, Distance distance, int iters,
                           double sigma) {
        this(budget, framesPerSegment, clustering, distance, iters, sigma, false);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        ReduceChecks.requireFinite(NAME, in);
        int total = budget.target(in.size(), NAME);
        List<int[]> segments = segments(in);
        int[] sizes = segments.stream().mapToInt(s -> s.length).toArray();
        int[] quota = Budget.apportion(total, sizes, NAME);
        int[] target = new int[in.size()];
        int[] anchor = new int[total];
        int groups = 0;
        for (int s = 0; s < segments.size(); s++) {
            int[] members = segments.get(s);
            Clusters c = cluster(in, members, quota[s]);
            for (int i = 0; i < members.length; i++) {
                target[members[i]] = groups + c.assign[i];
            }
            for (int j = 0; j < c.medoids.length; j++) {
                anchor[groups + j] = members[c.medoids[j]];
            }
            groups += c.medoids.length;
        }
        if (mean) {
            return in.regroup(target, total, anchor);
        }
        float[] centres = new float[total * in.dim()];
        for (int g = 0; g < total; g++) {
            System.arraycopy(in.embeddingsView(), anchor[g] * in.dim(), centres, g * in.dim(), in.dim());
        }
        return in.regroupWith(target, total, anchor, centres);
    }

    private List<int[]> segments(TokenSet in) {
        List<int[]> out = new ArrayList<>();
        int start = 0;
        for (int t = 1; t <= in.size(); t++) {
            if (t == in.size() || in.frame(t) / framesPerSegment != in.frame(start) / framesPerSegment) {
                int[] seg = new int[t - start];
                for (int i = 0; i < seg.length; i++) {
                    seg[i] = start + i;
                }
                out.add(seg);
                start = t;
            }
        }
        return out;
    }

    private Clusters cluster(TokenSet in, int[] members, int k) {
        int m = members.length;
        int d = in.dim();
        double[][] points = new double[m][d];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < d; j++) {
                points[i][j] = in.get(members[i], j);
            }
        }
        double[][] dist = distances(points, distance);
        if (clustering == Clustering.SPECTRAL) {
            points = spectralEmbedding(dist, k, sigma);
            dist = distances(points, Distance.EUCLIDEAN);
        }
        double[] norm = new double[m];
        for (int i = 0; i < m; i++) {
            norm[i] = norm(points[i]);
        }
        return kMedoids(dist, norm, k, iters, cost -> { });
    }

    /**
     * Below this fraction of |p|²+|q|² (Euclidean) or of 1 (cosine), a distance from the float GEMM is recomputed
     * directly in double: there the Gram formula loses its digits to cancellation (near-duplicates would come out
     * as small nonzero noise instead of 0 and could break ties differently).
     */
    private static final double RECOMPUTE_BELOW = 1e-3;

    /**
     * Pairwise distances; 0 on the diagonal. Cosine distance is 1 − cos, with cos 0 against a zero vector.
     * All dot products come from one float GEMM (the segment's Gram matrix) rather than m²/2 scalar loops over
     * the embedding width; Euclidean distance is then √(|p|²+|q|²−2p·q), close pairs recomputed directly.
     */
    static double[][] distances(double[][] p, Distance kind) {
        int m = p.length;
        int d = m == 0 ? 0 : p[0].length;
        double[] norm = new double[m];
        float[] rows = new float[m * d];
        for (int i = 0; i < m; i++) {
            norm[i] = norm(p[i]);
            for (int c = 0; c < d; c++) {
                rows[i * d + c] = (float) p[i][c];
            }
        }
        float[] gram = new float[m * m];
        Gemm.get().multiplyTransposed(m, m, d, rows, 0, rows, 0, gram, 0);
        double[][] dist = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = i + 1; j < m; j++) {
                double g = gram[i * m + j];
                double v;
                if (kind == Distance.EUCLIDEAN) {
                    double scale = norm[i] * norm[i] + norm[j] * norm[j];
                    double sq = scale - 2 * g;
                    v = sq < RECOMPUTE_BELOW * scale ? direct(p[i], p[j], kind, norm[i], norm[j]) : Math.sqrt(sq);
                } else {
                    v = norm[i] == 0 || norm[j] == 0 ? 1 : 1 - Math.max(-1, Math.min(1, g / (norm[i] * norm[j])));
                    if (v < RECOMPUTE_BELOW) {
                        v = direct(p[i], p[j], kind, norm[i], norm[j]);
                    }
                }
                dist[i][j] = v;
                dist[j][i] = v;
            }
        }
        return dist;
    }

    /** One distance summed in double over the coordinates. */
    private static double direct(double[] a, double[] b, Distance kind, double normA, double normB) {
        double acc = 0;
        for (int c = 0; c < a.length; c++) {
            acc += kind == Distance.EUCLIDEAN ? (a[c] - b[c]) * (a[c] - b[c]) : a[c] * b[c];
        }
        return kind == Distance.EUCLIDEAN ? Math.sqrt(acc)
                : 1 - (normA == 0 || normB == 0 ? 0 : Math.max(-1, Math.min(1, acc / (normA * normB))));
    }

    /**
     * Rows of the k leading eigenvectors of D^-1/2 W D^-1/2 with W = exp(−dist²/2σ²) (the k smallest of the
     * symmetric normalized Laplacian), each row scaled to unit length, as in CenterCLIP's spectral variant.
     */
    static double[][] spectralEmbedding(double[][] dist, int k, double sigma) {
        int m = dist.length;
        double[][] w = new double[m][m];
        double[] degree = new double[m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                w[i][j] = Math.exp(-dist[i][j] * dist[i][j] / (2 * sigma * sigma));
                degree[i] += w[i][j];
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                w[i][j] /= Math.sqrt(degree[i] * degree[j]);
            }
        }
        double[][] y = SymmetricEigen.topEigenvectors(w, k);
        for (double[] row : y) {
            double len = norm(row);
            if (len > 0) {
                for (int j = 0; j < row.length; j++) {
                    row[j] /= len;
                }
            }
        }
        return y;
    }

    private static double norm(double[] v) {
        double ss = 0;
        for (double x : v) {
            ss += x * x;
        }
        return Math.sqrt(ss);
    }

    /** Medoids as point indices in ascending order, and each point's cluster (index into medoids). */
    record Clusters(int[] medoids, int[] assign) {
    }

    /**
     * Deterministic k-medoids. KKZ start: the point of largest norm, then repeatedly the point farthest from its
     * nearest medoid. Then alternate: assign each point to its nearest medoid (a medoid to itself, so no cluster
     * empties; ties to the earlier medoid) and move each medoid to the member with the least summed distance to
     * its cluster (kept on ties), until the medoids stop changing or {@code iters} rounds pass. Neither step can
     * raise the total distance, which is reported after every assignment.
     *
     * @param costTrace receives the total point-to-medoid distance after each assignment
     */
    static Clusters kMedoids(double[][] dist, double[] norm, int k, int iters, DoubleConsumer costTrace) {
        int m = dist.length;
        int[] medoid = new int[k];
        boolean[] isMedoid = new boolean[m];
        double[] nearest = new double[m];
        int first = 0;
        for (int i = 1; i < m; i++) {
            if (norm[i] > norm[first]) {
                first = i;
            }
        }
        medoid[0] = first;
        isMedoid[first] = true;
        for (int i = 0; i < m; i++) {
            nearest[i] = dist[i][first];
        }
        for (int c = 1; c < k; c++) {
            int far = -1;
            for (int i = 0; i < m; i++) {
                if (!isMedoid[i] && (far < 0 || nearest[i] > nearest[far])) {
                    far = i;
                }
            }
            medoid[c] = far;
            isMedoid[far] = true;
            // dist is symmetric; reading the new medoid's row instead of its column keeps the scan contiguous.
            double[] fromFar = dist[far];
            for (int i = 0; i < m; i++) {
                nearest[i] = Math.min(nearest[i], fromFar[i]);
            }
        }
        int[] assign = new int[m];
        for (int round = 0; ; round++) {
            costTrace.accept(assign(dist, medoid, assign));
            if (round == iters) {
                break;
            }
            boolean moved = false;
            int[][] members = members(assign, k);
            for (int c = 0; c < k; c++) {
                double bestCost = clusterCost(dist[medoid[c]], members[c]);
                for (int i : members[c]) {
                    if (i != medoid[c]) {
                        double cost = clusterCost(dist[i], members[c]);
                        if (cost < bestCost) {
                            bestCost = cost;
                            medoid[c] = i;
                            moved = true;
                        }
                    }
                }
            }
            if (!moved) {
                break;
            }
        }
        int[] order = sortedOrder(medoid);
        int[] sortedMedoids = new int[k];
        int[] rank = new int[k];
        for (int r = 0; r < k; r++) {
            sortedMedoids[r] = medoid[order[r]];
            rank[order[r]] = r;
        }
        int[] finalAssign = new int[m];
        for (int i = 0; i < m; i++) {
            finalAssign[i] = rank[assign[i]];
        }
        return new Clusters(sortedMedoids, finalAssign);
    }

    private static double assign(double[][] dist, int[] medoid, int[] assign) {
        double total = 0;
        for (int i = 0; i < dist.length; i++) {
            int best = 0;
            for (int c = 0; c < medoid.length; c++) {
                if (medoid[c] == i) {
                    best = c;
                    break;
                }
                if (dist[i][medoid[c]] < dist[i][medoid[best]]) {
                    best = c;
                }
            }
            assign[i] = best;
            total += dist[i][medoid[best]];
        }
        return total;
    }

    /** Each cluster's points in ascending order, so a medoid's cost is summed over its cluster alone. */
    private static int[][] members(int[] assign, int k) {
        int[] count = new int[k];
        for (int a : assign) {
            count[a]++;
        }
        int[][] out = new int[k][];
        for (int c = 0; c < k; c++) {
            out[c] = new int[count[c]];
        }
        int[] fill = new int[k];
        for (int i = 0; i < assign.length; i++) {
            out[assign[i]][fill[assign[i]]++] = i;
        }
        return out;
    }

    private static double clusterCost(double[] distFromCentre, int[] members) {
        double s = 0;
        for (int j : members) {
            s += distFromCentre[j];
        }
        return s;
    }

    private static int[] sortedOrder(int[] values) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Integer.compare(values[a], values[b]));
        int[] out = new int[idx.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
