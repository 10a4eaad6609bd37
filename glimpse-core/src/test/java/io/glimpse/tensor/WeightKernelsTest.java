package io.glimpse.tensor;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Each stored format's kernels on both paths (Vector API and scalar) against a naive reference written here from the
 * byte layouts: the weights decoded one by one and summed in double.
 */
class WeightKernelsTest {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static WeightKernels panama;
    private static final WeightKernels SCALAR = new ScalarWeightKernels();

    @BeforeAll
    static void kernels() {
        panama = VectorOpsProvider.choose(WeightKernels.class, "PanamaWeightKernels", null, () -> null);
    }

    /**
     * Float formats at odd widths (every tail against 4, 8 and 16 lanes), block formats at whole blocks, up to rows long
     * enough to be read in column chunks.
     */
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (WeightFormat f : WeightFormat.values()) {
            int[] widths = switch (f.blockSize()) {
                case 1 -> new int[] {1, 7, 15, 17, 33, 100, 257, 12801};
                case 32 -> new int[] {32, 96, 160, 800, 12832};
                default -> new int[] {256, 768};
            };
            for (int cols : widths) {
                for (boolean vector : new boolean[] {true, false}) {
                    out.add(Arguments.of(f, 5, cols, vector));
                }
            }
        }
        return out.stream();
    }

    /** Random bytes of a valid matrix: block scales are finite halves of moderate size, floats finite. */
    static WeightMatrix randomMatrix(WeightFormat f, int rows, int cols, Random rnd) {
        MemorySegment s = MemorySegment.ofArray(new byte[(int) (rows * f.rowBytes(cols))]);
        switch (f) {
            case F32 -> {
                for (long i = 0; i < s.byteSize() / 4; i++) {
                    s.set(F32, 4 * i, (float) rnd.nextGaussian());
                }
            }
            case F16, BF16 -> {
                for (long i = 0; i < s.byteSize() / 2; i++) {
                    float v = (float) rnd.nextGaussian() * (rnd.nextInt(8) == 0 ? 1e-6f : 1f);
                    s.set(I16, 2 * i, f == WeightFormat.F16 ? Float.floatToFloat16(v) : (short) (Float.floatToIntBits(v) >>> 16));
                }
            }
            case Q8_0, Q4_0, Q4_K, Q6_K -> {
                byte[] raw = new byte[(int) s.byteSize()];
                rnd.nextBytes(raw);
                MemorySegment.copy(raw, 0, s, ValueLayout.JAVA_BYTE, 0, raw.length);
                int[] scales = switch (f) {
                    case Q4_K -> new int[] {0, 2};
                    case Q6_K -> new int[] {208};
                    default -> new int[] {0};
                };
                for (long b = 0; b < s.byteSize() / f.blockBytes(); b++) {
                    for (int at : scales) {
                        s.set(I16, b * f.blockBytes() + at, Float.floatToFloat16((float) rnd.nextGaussian() * 0.05f));
                    }
                }
            }
        }
        return WeightMatrix.of(f, rows, cols, s);
    }

    /** Weight (row, i) decoded from the bytes by the layouts of ggml-common.h. */
    static double naive(WeightMatrix w, int row, int i) {
        MemorySegment s = w.data();
        long base = row * w.rowBytes();
        return switch (w.format()) {
            case F32 -> s.get(F32, base + 4L * i);
            case F16 -> Float.float16ToFloat(s.get(I16, base + 2L * i));
            case BF16 -> Float.intBitsToFloat((s.get(I16, base + 2L * i) & 0xffff) << 16);
            case Q8_0 -> {
                long at = base + 34L * (i / 32);
                yield Float.float16ToFloat(s.get(I16, at)) * s.get(ValueLayout.JAVA_BYTE, at + 2 + i % 32);
            }
            case Q4_0 -> {
                long at = base + 18L * (i / 32);
                int j = i % 32;
                int b = s.get(ValueLayout.JAVA_BYTE, at + 2 + j % 16) & 0xff;
                yield Float.float16ToFloat(s.get(I16, at)) * ((j < 16 ? b & 0xf : b >> 4) - 8);
            }
            case Q4_K -> {
                long at = base + 144L * (i / 256);
                int j = i % 256;
                int sub = j / 32;
                int[] sc = new int[8];
                int[] mn = new int[8];
                for (int t = 0; t < 8; t++) {
                    int q = u8(s, at + 4 + t);
                    if (t < 4) {
                        sc[t] = q & 63;
                        mn[t] = u8(s, at + 8 + t) & 63;
                    } else {
                        sc[t] = (u8(s, at + 8 + t) & 0xf) | (u8(s, at + t) >> 6) << 4;
                        mn[t] = (u8(s, at + 8 + t) >> 4) | (q >> 6) << 4;
                    }
                }
                int q = u8(s, at + 16 + 32L * (sub / 2) + j % 32);
                int code = sub % 2 == 0 ? q & 0xf : q >> 4;
                yield Float.float16ToFloat(s.get(I16, at)) * sc[sub] * code - Float.float16ToFloat(s.get(I16, at + 2)) * mn[sub];
            }
            case Q6_K -> {
                long at = base + 210L * (i / 256);
                int n = i % 256 / 128;
                int l = i % 128 % 32;
                int quarter = i % 128 / 32;
                long ql = at + 64L * n + l + (quarter % 2 == 1 ? 32 : 0);
                int low = quarter < 2 ? u8(s, ql) & 0xf : u8(s, ql) >> 4;
                int high = u8(s, at + 128 + 32L * n + l) >> (2 * quarter) & 3;
                int scale = s.get(ValueLayout.JAVA_BYTE, at + 192 + 8L * n + l / 16 + 2 * quarter);
                yield Float.float16ToFloat(s.get(I16, at + 208)) * scale * ((low | high << 4) - 32);
            }
        };
    }

    private static int u8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void dotAndDequantizeMatchTheNaiveDecoding(WeightFormat f, int rows, int cols, boolean vector) {
        WeightKernels k = vector ? panama : SCALAR;
        assumeThat(k).as("Vector API kernels available").isNotNull();
        Random rnd = new Random(31L * cols + f.ordinal());
        WeightMatrix w = randomMatrix(f, rows, cols, rnd);
        float[] x = new float[cols + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] deq = new float[rows * cols + 2];
        k.dequantize(w, 1, rows - 1, deq, 2);
        float[] ranged = new float[rows + 1];
        k.dotRows(w, 1, rows - 1, x, 3, ranged, 2);
        for (int r = 0; r < rows; r++) {
            double ref = 0;
            double mag = 0;
            for (int i = 0; i < cols; i++) {
                double wi = naive(w, r, i);
                ref += wi * x[3 + i];
                mag += Math.abs(wi * x[3 + i]);
                if (r >= 1) {
                    assertThat(deq[2 + (r - 1) * cols + i]).as("row %d col %d", r, i).isEqualTo((float) wi);
                }
            }
            assertThat((double) k.dot(w, r, x, 3)).as("row %d", r).isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-5 * mag + 1e-30));
            if (r >= 1) {
                assertThat((double) ranged[1 + r]).as("row %d of a range", r).isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-5 * mag + 1e-30));
            }
        }
    }

    /**
     * Several activation rows against each weight row: every output has the bits the one-row kernel gives it, for an
     * even and an odd number of rows, on both kernels; Q8_0 is the format the vector kernel reads rows together in.
     * Rows of 401 Q8_0 blocks are read in column chunks against one activation row and whole against two: the same
     * bits all the same, for a row alone and in a range alike.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"Q8_0,1,160", "Q8_0,2,160", "Q8_0,5,160", "BF16,3,160", "F16,2,160",
            "Q8_0,2,12832", "Q8_0,3,12832", "BF16,2,12801", "F16,3,12801"})
    void rowsOfRowsGiveEachRowItsOneRowBits(WeightFormat f, int m, int cols) {
        Random rnd = new Random(41L * m + f.ordinal() + cols);
        int rows = 7;
        WeightMatrix w = randomMatrix(f, rows, cols, rnd);
        float[] x = new float[2 + m * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        int ldy = rows + 2;
        for (WeightKernels k : new WeightKernels[] {panama, SCALAR}) {
            if (k == null) {
                continue;
            }
            float[] together = new float[1 + m * ldy];
            k.dotRowsOfRows(w, 1, rows - 1, m, x, 2, together, 1, ldy);
            for (int r = 0; r < m; r++) {
                float[] alone = new float[rows - 1];
                k.dotRows(w, 1, rows - 1, x, 2 + r * cols, alone, 0);
                assertThat(Arrays.copyOfRange(together, 1 + r * ldy, 1 + r * ldy + rows - 1)).as("%s row %d", k, r)
                        .containsExactly(alone);
                for (int j = 0; j < rows - 1; j++) {
                    assertThat(k.dot(w, 1 + j, x, 2 + r * cols)).as("%s row %d weight row %d alone", k, r, 1 + j)
                            .isEqualTo(alone[j]);
                }
            }
        }
        assertThat(panama == null || panama.readsRowsTogether(WeightFormat.Q8_0)).isTrue();
    }

    /**
     * Every one of the 65536 halves widened as the JDK does: bit for bit, subnormals and infinities included; a NaN stays
     * a NaN of the same sign (the JDK's own result for a signalling NaN depends on whether its intrinsic ran).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void everyHalfWidensAsTheJdk(boolean vector) {
        WeightKernels k = vector ? panama : SCALAR;
        assumeThat(k).as("Vector API kernels available").isNotNull();
        MemorySegment s = MemorySegment.ofArray(new byte[2 * 65536]);
        for (int h = 0; h < 65536; h++) {
            s.set(I16, 2L * h, (short) h);
        }
        WeightMatrix w = WeightMatrix.of(WeightFormat.F16, 1, 65536, s);
        float[] out = new float[65536];
        k.dequantize(w, 0, 1, out, 0);
        for (int h = 0; h < 65536; h++) {
            float expected = Float.float16ToFloat((short) h);
            if (Float.isNaN(expected)) {
                assertThat(out[h]).as("half 0x%04x", h).isNaN();
                assertThat(Float.floatToRawIntBits(out[h]) < 0).as("sign of half 0x%04x", h).isEqualTo((h & 0x8000) != 0);
            } else {
                assertThat(Float.floatToRawIntBits(out[h])).as("half 0x%04x", h).isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
        for (int h = 0; h < 65536; h++) {
            if ((h & 0x7c00) == 0x7c00) {
                s.set(I16, 2L * h, (short) 0);
            }
        }
        float[] pick = new float[65536];
        for (int h = 1; h < 65536; h += 997) {
            java.util.Arrays.fill(pick, 0);
            pick[h] = 1;
            float expected = (h & 0x7c00) == 0x7c00 ? 0 : Float.float16ToFloat((short) h);
            assertThat(k.dot(w, 0, pick, 0)).as("dot picking half 0x%04x", h).isEqualTo(expected);
        }
    }

    /**
     * The vector f16 product reads a half's bits in a float's places, where infinity and NaN come out finite: a row
     * holding one must still give what the scalar kernel gives (infinity, or NaN).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(shorts = {(short) 0x7c00, (short) 0xfc00, (short) 0x7e00, (short) 0x7c01})
    void anF16InfinityOrNanInARowIsNotReadAsAFiniteWeight(short special) {
        assumeThat(panama).as("Vector API kernels available").isNotNull();
        int cols = 100;
        Random rnd = new Random(special);
        WeightMatrix w = randomMatrix(WeightFormat.F16, 3, cols, rnd);
        w.data().set(I16, 2L * (cols + 37), special);
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = 0.5f + rnd.nextFloat();
        }
        float[] y = new float[3];
        panama.dotRows(w, 0, 3, x, 0, y, 0);
        float expected = SCALAR.dot(w, 1, x, 0);
        assertThat(Float.isFinite(expected)).isFalse();
        assertThat(Float.valueOf(y[1])).isEqualTo(Float.valueOf(expected));
        assertThat(y[0]).isCloseTo(SCALAR.dot(w, 0, x, 0), org.assertj.core.data.Offset.offset(1e-3f));
    }

    /**
     * The vector f16 product scales the activations by 2^112 to skip a multiply per weight; activations of 2^14 and
     * more are scaled down first, so a row against large ones (outlier features reach thousands) stays finite and as
     * close to the naive sum as against small ones.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(floats = {1f, 3e4f, 7e5f, 1e30f})
    void f16RowsAgainstLargeActivationsStayFiniteAndClose(float peak) {
        assumeThat(panama).as("Vector API kernels available").isNotNull();
        int cols = 203;
        Random rnd = new Random(Float.floatToIntBits(peak));
        WeightMatrix w = randomMatrix(WeightFormat.F16, 4, cols, rnd);
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        x[17] = peak;
        x[cols - 40] = -peak / 2;
        float[] y = new float[4];
        panama.dotRows(w, 0, 4, x, 0, y, 0);
        float[] widened = new float[4 * cols];
        panama.dequantize(w, 0, 4, widened, 0);
        for (int r = 0; r < 4; r++) {
            double ref = 0;
            double mag = 0;
            for (int i = 0; i < cols; i++) {
                ref += (double) widened[r * cols + i] * x[i];
                mag += Math.abs((double) widened[r * cols + i] * x[i]);
            }
            assertThat(Float.isFinite(y[r])).as("row %d", r).isTrue();
            assertThat((double) y[r]).as("row %d", r).isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-6 * mag));
        }
    }
}
