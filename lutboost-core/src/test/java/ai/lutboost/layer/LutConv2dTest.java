package ai.lutboost.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class LutConv2dTest {

    /** Patch rows in (batch, out row, out column) order, elements in (channel, kernel row, kernel column) order. */
    static float[][] patches(float[] x, int b, int cin, int h, int w, int k, int stride, int pad) {
        int ho = (h + 2 * pad - k) / stride + 1;
        int wo = (w + 2 * pad - k) / stride + 1;
        float[][] rows = new float[b * ho * wo][cin * k * k];
        for (int n = 0; n < b; n++) {
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++) {
                    float[] row = rows[(n * ho + oy) * wo + ox];
                    for (int c = 0; c < cin; c++) {
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < k; j++) {
                                int y = oy * stride - pad + i;
                                int xx = ox * stride - pad + j;
                                boolean inside = y >= 0 && y < h && xx >= 0 && xx < w;
                                row[(c * k + i) * k + j] = inside ? x[((n * cin + c) * h + y) * w + xx] : 0;
                            }
                        }
                    }
                }
            }
        }
        return rows;
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void hardForwardEqualsExplicitLookupWithPaddingAndStride(Metric metric) {
        Random r = new Random(11 + metric.ordinal());
        int b = 2;
        int cin = 2;
        int h = 7;
        int w = 6;
        int k = 3;
        int n = 4;
        int stride = 2;
        int pad = 1;
        LayerSpec spec = new LayerSpec(3, 5, metric, 8, false);
        float[] x = LutLinearTest.flat(LutLinearTest.ints(r, 1, b * cin * h * w, 3));
        float[][][] p = LutLinearTest.centroids(r, cin * k * k / 3, 5, 3);
        float[][] wt = LutLinearTest.ints(r, n, cin * k * k, 2);
        float[] bias = LutLinearTest.ints(r, 1, n, 2)[0];
        try (NDManager m = NDManager.newBaseManager()) {
            LutConv2d lut = LutConv2d.builder().setName("conv2").setFilters(n).setKernelShape(new Shape(k, k))
                    .optStride(new Shape(stride, stride)).optPadding(new Shape(pad, pad)).setSpec(spec)
                    .optMode(LutMode.HARD).build();
            lut.initialize(m, DataType.FLOAT32, new Shape(b, cin, h, w));
            lut.getCentroids().getArray().set(LutLinearTest.flat(p));
            lut.getWeight().getArray().set(LutLinearTest.flat(wt));
            lut.getParameters().get("bias").getArray().set(bias);
            NDArray y = lut.forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(b, cin, h, w))), false)
                    .singletonOrThrow();
            int ho = 4;
            int wo = 3;
            assertEquals(new Shape(b, n, ho, wo), y.getShape());
            assertEquals(lut.getOutputShapes(new Shape[] {new Shape(b, cin, h, w)})[0], y.getShape());
            float[] rows = LutOracle.lookup(patches(x, b, cin, h, w, k, stride, pad), p, wt, bias, metric);
            float[] expected = new float[rows.length];
            for (int s = 0; s < b; s++) {
                for (int o = 0; o < n; o++) {
                    for (int q = 0; q < ho * wo; q++) {
                        expected[(s * n + o) * ho * wo + q] = rows[(s * ho * wo + q) * n + o];
                    }
                }
            }
            assertArrayEquals(expected, y.toFloatArray());
        }
    }

    @Test
    void im2colMatchesTheDenseConvolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d dense = Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(16).build();
            dense.initialize(m, DataType.FLOAT32, new Shape(1, 6, 14, 14));
            NDArray x = m.randomNormal(new Shape(3, 6, 14, 14));
            NDArray expected = dense.forward(new ParameterStore(m, false), new NDList(x), false).head();
            NDArray cols = LutConv2d.im2col(x, new Shape(5, 5), new Shape(1, 1), new Shape(0, 0), new Shape(1, 1));
            NDArray w = dense.getParameters().get("weight").getArray().reshape(16, 150);
            NDArray viaPatches = cols.transpose(0, 2, 3, 1).reshape(-1, 150).matMul(w.transpose())
                    .add(dense.getParameters().get("bias").getArray()).reshape(3, 10, 10, 16).transpose(0, 3, 1, 2);
            assertEquals(0, viaPatches.sub(expected).abs().max().getFloat(), 1e-4);
        }
    }

    /**
     * A LUT conv's output is a channels-last view, and the next LUT conv extracts its patches. On
     * an AVX-512 machine without the fix, 14,224 of these 147,456 patch elements came out wrong
     * (up to 4.4 off) while an NCHW copy of the same input gave all of them.
     */
    @Test
    void im2colOfAChannelsLastInputCopiesEveryElement() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(64, 8, 8, 4)).mul(64).round().div(64).transpose(0, 3, 1, 2);
            float[] values = x.toFloatArray();
            for (int stride : new int[] {1, 2}) {
                float[][] expected = patches(values, 64, 4, 8, 8, 3, stride, 1);
                NDArray cols = LutConv2d.im2col(x, new Shape(3, 3), new Shape(stride, stride), new Shape(1, 1),
                        new Shape(1, 1));
                float[] rows = cols.transpose(0, 2, 3, 1).reshape(-1, 36).toFloatArray();
                int wrong = 0;
                for (int r = 0; r < expected.length; r++) {
                    for (int e = 0; e < 36; e++) {
                        wrong += rows[r * 36 + e] == expected[r][e] ? 0 : 1;
                    }
                }
                assertEquals(0, wrong, "patch elements wrong at stride " + stride);
            }
        }
    }

    @Test
    void saveLoadGivesIdenticalOutputs() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d dense = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).optPadding(new Shape(1, 1)).build();
            dense.initialize(m, DataType.FLOAT32, new Shape(1, 2, 8, 8));
            LayerSpec spec = new LayerSpec(6, 8, Metric.CHEBYSHEV, 8, false);
            LutConv2d a = LutConv2d.fromDense(m, dense, "conv", spec);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            a.saveParameters(new DataOutputStream(bytes));
            LutConv2d b = LutConv2d.builder().setName("conv").setFilters(4).setKernelShape(new Shape(3, 3))
                    .optPadding(new Shape(1, 1)).setSpec(spec).build();
            b.initialize(m, DataType.FLOAT32, new Shape(1, 2, 8, 8));
            b.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            NDArray x = m.randomNormal(new Shape(2, 2, 8, 8));
            ParameterStore ps = new ParameterStore(m, false);
            assertArrayEquals(a.forward(ps, new NDList(x), false).head().toFloatArray(),
                    b.forward(ps, new NDList(x), false).head().toFloatArray());
        }
    }
}
