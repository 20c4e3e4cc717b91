package ai.lutboost.layer;

/**
 * Plain-Java LUT arithmetic for tests: nearest centroid (ties to the lowest index) and an
 * explicit table lookup {@code y = b + sum_j T_j[i_j]}, {@code T_j[k][n] = sum_u P_j[k][u] W[n][j v + u]}.
 */
final class LutOracle {

    private LutOracle() {}

    /**
     * @param x rows {@code [R][D]}
     * @param centroids {@code [C][K][v]}
     * @param w {@code [N][D]}
     * @param b {@code [N]}
     * @return {@code [R][N]} flattened
     */
    static float[] lookup(float[][] x, float[][][] centroids, float[][] w, float[] b, Metric metric) {
        int c = centroids.length;
        int k = centroids[0].length;
        int v = centroids[0][0].length;
        int n = w.length;
        int d = w[0].length;
        float[] out = new float[x.length * n];
        for (int r = 0; r < x.length; r++) {
            double[] y = new double[n];
            for (int o = 0; o < n; o++) {
                y[o] = b[o];
            }
            for (int j = 0; j < c; j++) {
                int best = 0;
                double bestD = Double.MAX_VALUE;
                for (int q = 0; q < k; q++) {
                    double dist = 0;
                    for (int u = 0; u < v; u++) {
                        int col = j * v + u;
                        double diff = (col < d ? x[r][col] : 0) - centroids[j][q][u];
                        dist = switch (metric) {
                            case L2 -> dist + diff * diff;
                            case L1 -> dist + Math.abs(diff);
                            case CHEBYSHEV -> Math.max(dist, Math.abs(diff));
                        };
                    }
                    if (dist < bestD) {
                        bestD = dist;
                        best = q;
                    }
                }
                for (int o = 0; o < n; o++) {
                    double t = 0;
                    for (int u = 0; u < v; u++) {
                        int col = j * v + u;
                        if (col < d) {
                            t += centroids[j][best][u] * w[o][col];
                        }
                    }
                    y[o] += t;
                }
            }
            for (int o = 0; o < n; o++) {
                out[r * n + o] = (float) y[o];
            }
        }
        return out;
    }
}
