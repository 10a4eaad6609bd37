package io.glimpse.tokens;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * N visual tokens of dimension D with their provenance.
 *
 * <p>Immutable. Original patches are numbered frame by frame in row-major order; {@link #origin()} maps
 * each original patch to the token that now represents it, or -1 when it was dropped. Every reducer is a
 * pure function from one TokenSet to another and builds its output with {@link #select}, {@link #regroup}
 * or {@link #withEmbeddings}, which keep the provenance consistent.
 */
public final class TokenSet {
    private final int n;
    private final int d;
    private final float[] embeddings;
    private final int[] frame;
    private final int[] row;
    private final int[] col;
    private final int[] size;
    private final float[] score;
    private final List<FrameInfo> frames;
    private final int[] frameOffset;
    private final int[] origin;

    private TokenSet(int d, float[] embeddings, int[] frame, int[] row, int[] col, int[] size, float[] score,
                     List<FrameInfo> frames, int[] origin) {
        this.n = frame.length;
        this.d = d;
        this.embeddings = embeddings;
        this.frame = frame;
        this.row = row;
        this.col = col;
        this.size = size;
        this.score = score;
        this.frames = List.copyOf(frames);
        this.frameOffset = offsets(this.frames);
        this.origin = origin;
    }

    /**
     * Builds a token set from its parts and checks every structural invariant.
     *
     * @param score may be null
     * @throws IllegalArgumentException naming the first violated invariant
     */
    public static TokenSet of(int d, float[] embeddings, int[] frame, int[] row, int[] col, int[] size,
                              float[] score, List<FrameInfo> frames, int[] origin) {
        TokenSet t = new TokenSet(d, embeddings, frame, row, col, size, score, frames, origin);
        t.validate();
        return t;
    }

    /** One token per patch, every patch of every frame kept, tokens in (frame,row,col) order. */
    public static TokenSet fromGrid(float[] embeddings, int d, List<FrameInfo> frames) {
        int total = frames.stream().mapToInt(FrameInfo::patches).sum();
        if (d <= 0) {
            throw new IllegalArgumentException("embedding dimension must be positive, got " + d);
        }
        if ((long) total * d != embeddings.length) {
            throw new IllegalArgumentException("embeddings hold " + embeddings.length + " floats but "
                    + total + " patches of dimension " + d + " need " + (long) total * d);
        }
        int[] frame = new int[total];
        int[] row = new int[total];
        int[] col = new int[total];
        int[] size = new int[total];
        int[] origin = new int[total];
        int i = 0;
        for (int f = 0; f < frames.size(); f++) {
            FrameInfo fi = frames.get(f);
            for (int r = 0; r < fi.gridH(); r++) {
                for (int c = 0; c < fi.gridW(); c++) {
                    frame[i] = f;
                    row[i] = r;
                    col[i] = c;
                    size[i] = 1;
                    origin[i] = i;
                    i++;
                }
            }
        }
        return new TokenSet(d, embeddings, frame, row, col, size, null, frames, origin);
    }

    private static int[] offsets(List<FrameInfo> frames) {
        int[] off = new int[frames.size() + 1];
        for (int f = 0; f < frames.size(); f++) {
            off[f + 1] = Math.addExact(off[f], frames.get(f).patches());
        }
        return off;
    }

    private void validate() {
        if (d <= 0) {
            throw new IllegalArgumentException("embedding dimension must be positive, got " + d);
        }
        if ((long) n * d != embeddings.length) {
            throw new IllegalArgumentException("embeddings hold " + embeddings.length + " floats, expected " + n + "x" + d);
        }
        if (row.length != n || col.length != n || size.length != n || (score != null && score.length != n)) {
            throw new IllegalArgumentException("per-token arrays disagree on the token count " + n);
        }
        if (origin.length != frameOffset[frames.size()]) {
            throw new IllegalArgumentException("origin has " + origin.length + " entries but the frames hold "
                    + frameOffset[frames.size()] + " patches");
        }
        long[] represented = new long[n];
        boolean[] anchorCovered = new boolean[n];
        for (int p = 0; p < origin.length; p++) {
            int t = origin[p];
            if (t < -1 || t >= n) {
                throw new IllegalArgumentException("origin[" + p + "] = " + t + " is outside [-1, " + n + ")");
            }
            if (t >= 0) {
                represented[t]++;
                if (patchIndex(frame[t], row[t], col[t]) == p) {
                    anchorCovered[t] = true;
                }
            }
        }
        for (int t = 0; t < n; t++) {
            if (frame[t] < 0 || frame[t] >= frames.size()) {
                throw new IllegalArgumentException("token " + t + " names frame " + frame[t] + " of " + frames.size());
            }
            FrameInfo fi = frames.get(frame[t]);
            if (row[t] < 0 || row[t] >= fi.gridH() || col[t] < 0 || col[t] >= fi.gridW()) {
                throw new IllegalArgumentException("token " + t + " sits at (" + row[t] + "," + col[t]
                        + ") outside its frame's " + fi.gridH() + "x" + fi.gridW() + " grid");
            }
            if (size[t] != represented[t]) {
                throw new IllegalArgumentException("token " + t + " has size " + size[t] + " but represents "
                        + represented[t] + " patches");
            }
            if (!anchorCovered[t]) {
                throw new IllegalArgumentException("token " + t + " is anchored at a patch it does not represent");
            }
        }
    }

    public int size() {
        return n;
    }

    public int dim() {
        return d;
    }

    /** Number of original patches, kept or dropped. */
    public int patchCount() {
        return origin.length;
    }

    public int frameCount() {
        return frames.size();
    }

    public List<FrameInfo> frames() {
        return frames;
    }

    public FrameInfo frameInfo(int f) {
        return frames.get(f);
    }

    /** Index of the first original patch of frame f; {@code frameOffset(frameCount())} is the patch count. */
    public int frameOffset(int f) {
        return frameOffset[f];
    }

    public int patchIndex(int f, int r, int c) {
        return frameOffset[f] + r * frames.get(f).gridW() + c;
    }

    public int frame(int t) {
        return frame[t];
    }

    public int row(int t) {
        return row[t];
    }

    public int col(int t) {
        return col[t];
    }

    public int tokenSize(int t) {
        return size[t];
    }

    public boolean hasScores() {
        return score != null;
    }

    public float score(int t) {
        return score == null ? Float.NaN : score[t];
    }

    public float get(int t, int k) {
        return embeddings[t * d + k];
    }

    /** Copy of token t's embedding. */
    public float[] vector(int t) {
        return Arrays.copyOfRange(embeddings, t * d, (t + 1) * d);
    }

    /** The backing row-major N×D array. Callers must not modify it. */
    public float[] embeddingsView() {
        return embeddings;
    }

    public int[] tokenFrames() {
        return frame.clone();
    }

    public int[] rows() {
        return row.clone();
    }

    public int[] cols() {
        return col.clone();
    }

    public int[] sizes() {
        return size.clone();
    }

    public float[] scores() {
        return score == null ? null : score.clone();
    }

    public int[] origin() {
        return origin.clone();
    }

    public int origin(int patch) {
        return origin[patch];
    }

    /** Number of original patches that some token still represents. */
    public int keptPatches() {
        int k = 0;
        for (int o : origin) {
            if (o >= 0) {
                k++;
            }
        }
        return k;
    }

    /** True when no embedding is NaN or infinite. */
    public boolean isFinite() {
        for (float v : embeddings) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Keeps the listed tokens, in the order given, and drops every other one (its patches' origin becomes -1).
     *
     * @param keep   distinct token indices
     * @param scores importance per kept token (aligned with {@code keep}), or null to carry over existing scores
     */
    public TokenSet select(int[] keep, float[] scores) {
        int[] target = new int[n];
        Arrays.fill(target, -1);
        for (int i = 0; i < keep.length; i++) {
            int t = keep[i];
            if (t < 0 || t >= n) {
                throw new IllegalArgumentException("token index " + t + " is outside [0, " + n + ")");
            }
            if (target[t] != -1) {
                throw new IllegalArgumentException("token " + t + " selected twice");
            }
            target[t] = i;
        }
        float[] emb = new float[keep.length * d];
        int[] nf = new int[keep.length];
        int[] nr = new int[keep.length];
        int[] nc = new int[keep.length];
        int[] ns = new int[keep.length];
        float[] sc = scores != null ? scores.clone() : (score == null ? null : new float[keep.length]);
        if (scores != null && scores.length != keep.length) {
            throw new IllegalArgumentException("scores has " + scores.length + " entries for " + keep.length + " tokens");
        }
        for (int i = 0; i < keep.length; i++) {
            int t = keep[i];
            System.arraycopy(embeddings, t * d, emb, i * d, d);
            nf[i] = frame[t];
            nr[i] = row[t];
            nc[i] = col[t];
            ns[i] = size[t];
            if (scores == null && score != null) {
                sc[i] = score[t];
            }
        }
        return new TokenSet(d, emb, nf, nr, nc, ns, sc, frames, remapOrigin(target));
    }

    /** Keeps the listed tokens in (frame,row,col) order, whatever order they are given in. */
    public TokenSet selectInOrder(int[] keep) {
        int[] sorted = keep.clone();
        Arrays.sort(sorted);
        return select(sorted, null);
    }

    /**
     * Groups tokens into m new tokens. Token i goes to group {@code target[i]} (or is dropped when -1).
     * Each group's embedding is the size-weighted mean of its members; its anchor (frame,row,col) is that of
     * member {@code anchor[g]}. Output tokens are ordered by anchor position so LLM positions stay meaningful.
     *
     * @param anchor one member of each group; null picks the member earliest in token order
     */
    public TokenSet regroup(int[] target, int m, int[] anchor) {
        if (target.length != n) {
            throw new IllegalArgumentException("target has " + target.length + " entries for " + n + " tokens");
        }
        int[] anchors = anchor != null ? anchor.clone() : new int[m];
        if (anchor == null) {
            Arrays.fill(anchors, -1);
        }
        double[] acc = new double[m * d];
        int[] gsize = new int[m];
        for (int t = 0; t < n; t++) {
            int g = target[t];
            if (g < -1 || g >= m) {
                throw new IllegalArgumentException("target[" + t + "] = " + g + " is outside [-1, " + m + ")");
            }
            if (g < 0) {
                continue;
            }
            gsize[g] += size[t];
            int base = t * d;
            int gb = g * d;
            for (int k = 0; k < d; k++) {
                acc[gb + k] += (double) embeddings[base + k] * size[t];
            }
            if (anchor == null && anchors[g] < 0) {
                anchors[g] = t;
            }
        }
        float[] emb = new float[m * d];
        for (int g = 0; g < m; g++) {
            if (gsize[g] == 0) {
                throw new IllegalArgumentException("group " + g + " has no members");
            }
            if (target[anchors[g]] != g) {
                throw new IllegalArgumentException("anchor of group " + g + " is token " + anchors[g] + ", not a member");
            }
            for (int k = 0; k < d; k++) {
                emb[g * d + k] = (float) (acc[g * d + k] / gsize[g]);
            }
        }
        return buildGroups(target, m, anchors, emb, gsize);
    }

    /**
     * Like {@link #regroup} but with caller-given group embeddings (m×D), e.g. cluster centres that are
     * members themselves, or codebook vectors.
     */
    public TokenSet regroupWith(int[] target, int m, int[] anchor, float[] groupEmbeddings) {
        if (groupEmbeddings.length != m * d) {
            throw new IllegalArgumentException("group embeddings hold " + groupEmbeddings.length + " floats, expected " + m + "x" + d);
        }
        int[] gsize = new int[m];
        for (int t = 0; t < n; t++) {
            int g = target[t];
            if (g < -1 || g >= m) {
                throw new IllegalArgumentException("target[" + t + "] = " + g + " is outside [-1, " + m + ")");
            }
            if (g >= 0) {
                gsize[g] += size[t];
            }
        }
        for (int g = 0; g < m; g++) {
            if (gsize[g] == 0) {
                throw new IllegalArgumentException("group " + g + " has no members");
            }
            if (target[anchor[g]] != g) {
                throw new IllegalArgumentException("anchor of group " + g + " is token " + anchor[g] + ", not a member");
            }
        }
        return buildGroups(target, m, anchor.clone(), groupEmbeddings.clone(), gsize);
    }

    private TokenSet buildGroups(int[] target, int m, int[] anchors, float[] emb, int[] gsize) {
        Integer[] order = new Integer[m];
        for (int g = 0; g < m; g++) {
            order[g] = g;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(
                patchIndex(frame[anchors[a]], row[anchors[a]], col[anchors[a]]),
                patchIndex(frame[anchors[b]], row[anchors[b]], col[anchors[b]])));
        int[] rank = new int[m];
        for (int i = 0; i < m; i++) {
            rank[order[i]] = i;
        }
        float[] outEmb = new float[m * d];
        int[] nf = new int[m];
        int[] nr = new int[m];
        int[] nc = new int[m];
        int[] ns = new int[m];
        for (int g = 0; g < m; g++) {
            int i = rank[g];
            System.arraycopy(emb, g * d, outEmb, i * d, d);
            int a = anchors[g];
            nf[i] = frame[a];
            nr[i] = row[a];
            nc[i] = col[a];
            ns[i] = gsize[g];
        }
        int[] tokenTarget = new int[n];
        for (int t = 0; t < n; t++) {
            tokenTarget[t] = target[t] < 0 ? -1 : rank[target[t]];
        }
        return new TokenSet(d, outEmb, nf, nr, nc, ns, null, frames, remapOrigin(tokenTarget));
    }

    /** Same tokens and provenance, new embeddings of any dimension (e.g. after a projector or dequantization). */
    public TokenSet withEmbeddings(float[] newEmbeddings, int newDim) {
        if (newDim <= 0 || (long) n * newDim != newEmbeddings.length) {
            throw new IllegalArgumentException("embeddings hold " + newEmbeddings.length + " floats, expected " + n + "x" + newDim);
        }
        return new TokenSet(newDim, newEmbeddings, frame, row, col, size, score, frames, origin);
    }

    /** Same tokens with importance scores attached. */
    public TokenSet withScores(float[] scores) {
        if (scores != null && scores.length != n) {
            throw new IllegalArgumentException("scores has " + scores.length + " entries for " + n + " tokens");
        }
        return new TokenSet(d, embeddings, frame, row, col, size, scores == null ? null : scores.clone(), frames, origin);
    }

    /** Same tokens with a new frame table of the same grids (scene or clip ids filled in). */
    public TokenSet withFrames(List<FrameInfo> newFrames) {
        if (newFrames.size() != frames.size()) {
            throw new IllegalArgumentException("frame table has " + newFrames.size() + " rows, expected " + frames.size());
        }
        for (int f = 0; f < frames.size(); f++) {
            if (newFrames.get(f).gridH() != frames.get(f).gridH() || newFrames.get(f).gridW() != frames.get(f).gridW()) {
                throw new IllegalArgumentException("frame " + f + " changes its grid");
            }
        }
        return new TokenSet(d, embeddings, frame, row, col, size, score, newFrames, origin);
    }

    private int[] remapOrigin(int[] tokenTarget) {
        int[] o = new int[origin.length];
        for (int p = 0; p < origin.length; p++) {
            o[p] = origin[p] < 0 ? -1 : tokenTarget[origin[p]];
        }
        return o;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof TokenSet t)) {
            return false;
        }
        return d == t.d && Arrays.equals(embeddings, t.embeddings) && Arrays.equals(frame, t.frame)
                && Arrays.equals(row, t.row) && Arrays.equals(col, t.col) && Arrays.equals(size, t.size)
                && Arrays.equals(score, t.score) && frames.equals(t.frames) && Arrays.equals(origin, t.origin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(d, Arrays.hashCode(embeddings), Arrays.hashCode(origin), frames);
    }

    @Override
    public String toString() {
        return "TokenSet[" + n + "x" + d + ", frames=" + frames.size() + ", patches=" + origin.length
                + ", kept=" + keptPatches() + "]";
    }
}
