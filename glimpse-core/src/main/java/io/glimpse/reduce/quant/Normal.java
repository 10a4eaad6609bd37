package io.glimpse.reduce.quant;

/** Standard normal density, distribution, quantile and truncated mean, for TokenBridge's Gaussian bins. */
final class Normal {
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private Normal() {
    }

    static double density(double z) {
        return Math.exp(-z * z / 2) * INV_SQRT_2PI;
    }

    /** Φ(z) via the complementary error function, accurate to about 1e-7 relative in both tails. */
    static double cdf(double z) {
        return 0.5 * erfc(-z / Math.sqrt(2));
    }

    /**
     * erfc by the Chebyshev-fitted formula of Numerical Recipes (Press et al., 2nd ed., §6.2, "erfcc"), fractional
     * error below 1.2e-7 everywhere.
     */
    private static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        double r = t * Math.exp(-z * z + poly);
        return x >= 0 ? r : 2 - r;
    }

    /** Φ⁻¹(p) by bisection on Φ: slow but exact to Φ's precision, and it runs once per bin edge. */
    static double quantile(double p) {
        double lo = -10;
        double hi = 10;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (cdf(mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** Mean of the standard normal restricted to [a, b]: (φ(a) − φ(b)) / (Φ(b) − Φ(a)); a itself when a = b. */
    static double truncatedMean(double a, double b) {
        if (a >= b) {
            return a;
        }
        if (a > 0) {
            return -truncatedMean(-b, -a);
        }
        return (density(a) - density(b)) / (cdf(b) - cdf(a));
    }
}
