package io.glimpse.reduce;

import java.util.Arrays;

/** Eigen-decomposition of a small dense symmetric matrix by cyclic Jacobi rotations (exact, deterministic). */
final class SymmetricEigen {
    private static final int MAX_SWEEPS = 100;

    private SymmetricEigen() {
    }

    /**
     * The eigenvectors of the {@code count} largest eigenvalues of symmetric matrix a (m×m, not modified), as rows
     * of an m×count matrix: row i holds the coordinates of point i in the eigenvector basis. Ties in eigenvalue go
     * to the lower original index.
     */
    static double[][] topEigenvectors(double[][] a, int count) {
        int m = a.length;
        double[][] w = new double[m][];
        double total = 0;
        for (int i = 0; i < m; i++) {
            w[i] = a[i].clone();
            for (double v : w[i]) {
                total += v * v;
            }
        }
        double[][] v = new double[m][m];
        for (int i = 0; i < m; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            for (int p = 0; p < m; p++) {
                for (int q = p + 1; q < m; q++) {
                    off += w[p][q] * w[p][q];
                }
            }
            if (off <= 1e-24 * total) {
                break;
            }
            for (int p = 0; p < m; p++) {
                for (int q = p + 1; q < m; q++) {
                    if (w[p][q] != 0) {
                        rotate(w, v, p, q);
                    }
                }
            }
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(w[y][y], w[x][x]));
        double[][] out = new double[m][count];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < count; j++) {
                out[i][j] = v[i][order[j]];
            }
        }
        return out;
    }

    /** Applies the rotation in the (p,q) plane that zeroes w[p][q]: w ← Jᵀ w J, v ← v J. */
    private static void rotate(double[][] w, double[][] v, int p, int q) {
        int m = w.length;
        double theta = (w[q][q] - w[p][p]) / (2 * w[p][q]);
        double t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        for (int k = 0; k < m; k++) {
            double kp = w[k][p];
            double kq = w[k][q];
            w[k][p] = c * kp - s * kq;
            w[k][q] = s * kp + c * kq;
        }
        for (int k = 0; k < m; k++) {
            double pk = w[p][k];
            double qk = w[q][k];
            w[p][k] = c * pk - s * qk;
            w[q][k] = s * pk + c * qk;
        }
        for (int k = 0; k < m; k++) {
            double kp = v[k][p];
            double kq = v[k][q];
            v[k][p] = c * kp - s * kq;
            v[k][q] = s * kp + c * kq;
        }
    }
}
