package io.glimpse.reduce;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Average pooling of each frame's patch grid into windows, shared by MatryoshkaPool and AdaptivePool.
 *
 * <p>A window's embedding is the mean over the represented patches inside it, each patch carrying the vector of the
 * token that now stands for it (on an untouched grid: exactly torch's average pooling). Provenance needs a partition,
 * but adaptive windows may overlap, so each token goes to the one "home" window of its anchor patch; the pooled
 * token is anchored at its first member in token order, a patch of its window. Tokens whose anchor has no home
 * window (rows a fixed kernel leaves over) are dropped.
 */
final class GridPooling {
    private GridPooling() {
    }

    /**
     * Windows along one axis of length n: window i covers [start[i], end[i]); home[x] is the window position x
     * belongs to, or -1.
     */
    record Axis(int[] start, int[] end, int[] home) {
        /** Non-overlapping windows of {@code kernel} (stride = kernel), leftovers dropped as torch avg_pool2d does. */
        static Axis fixed(int n, int kernel) {
            int out = n / kernel;
            int[] start = new int[out];
            int[] end = new int[out];
            for (int i = 0; i < out; i++) {
                start[i] = i * kernel;
                end[i] = (i + 1) * kernel;
            }
            int[] home = new int[n];
            for (int x = 0; x < n; x++) {
                home[x] = x / kernel < out ? x / kernel : -1;
            }
            return new Axis(start, end, home);
        }

        /** torch adaptive_avg_pool2d windows: [floor(i·n/out), ceil((i+1)·n/out)); home floor(x·out/n). */
        static Axis adaptive(int n, int out) {
            int[] start = new int[out];
            int[] end = new int[out];
            for (int i = 0; i < out; i++) {
                start[i] = (int) ((long) i * n / out);
                end[i] = (int) (((long) (i + 1) * n + out - 1) / out);
            }
            int[] home = new int[n];
            for (int x = 0; x < n; x++) {
                home[x] = (int) ((long) x * out / n);
            }
            return new Axis(start, end, home);
        }
    }

    /**
     * @param rowAxis windows along a frame's rows, given its grid height
     * @param colAxis windows along a frame's columns, given its grid width
     */
    static TokenSet pool(TokenSet in, IntFunction<Axis> rowAxis, IntFunction<Axis> colAxis) {
        int d = in.dim();
        float[] e = in.embeddingsView();
        int[] target = new int[in.size()];
        int[] anchor = new int[in.size()];
        double[] sums = new double[in.size() * d];
        int groups = 0;
        int[][] byFrame = ReduceChecks.tokensByFrame(in);
        for (int f = 0; f < in.frameCount(); f++) {
            FrameInfo fi = in.frameInfo(f);
            Axis rows = rowAxis.apply(fi.gridH());
            Axis cols = colAxis.apply(fi.gridW());
            int[] window = new int[rows.start().length * cols.start().length];
            Arrays.fill(window, -1);
            for (int t : byFrame[f]) {
                int wr = rows.home()[in.row(t)];
                int wc = cols.home()[in.col(t)];
                if (wr < 0 || wc < 0) {
                    target[t] = -1;
                    continue;
                }
                int w = wr * cols.start().length + wc;
                if (window[w] < 0) {
                    window[w] = groups;
                    anchor[groups] = t;
                    addWindow(in, f, rows.start()[wr], rows.end()[wr], cols.start()[wc], cols.end()[wc], e, sums,
                            groups * d);
                    groups++;
                }
                target[t] = window[w];
            }
        }
        return in.regroupWith(target, groups, Arrays.copyOf(anchor, groups), means(sums, groups, d));
    }

    private static void addWindow(TokenSet in, int f, int r0, int r1, int c0, int c1, float[] e, double[] sums,
                                  int at) {
        int d = in.dim();
        int count = 0;
        for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
                int t = in.origin(in.patchIndex(f, r, c));
                if (t < 0) {
                    continue;
                }
                count++;
                for (int k = 0; k < d; k++) {
                    sums[at + k] += e[t * d + k];
                }
            }
        }
        for (int k = 0; k < d; k++) {
            sums[at + k] /= count;
        }
    }

    private static float[] means(double[] sums, int groups, int d) {
        float[] out = new float[groups * d];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) sums[i];
        }
        return out;
    }
}
