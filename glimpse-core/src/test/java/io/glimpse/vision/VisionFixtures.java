package io.glimpse.vision;

import io.glimpse.io.DType;
import io.glimpse.io.HalfFloats;
import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Access to the committed fixtures written by fixtures/vision/make_fixtures.py, and variants of them. */
public final class VisionFixtures {
    private VisionFixtures() {
    }

    public static Path dir(String name) {
        try {
            return Path.of(VisionFixtures.class.getResource("/fixtures/vision/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, TensorData> golden(String model) throws IOException {
        return SafeTensors.read(dir(model).resolve("golden.safetensors")).tensors();
    }

    public static float[] golden(String model, String name) throws IOException {
        return golden(model).get(name).toFloats();
    }

    /**
     * Copies a fixture checkpoint into {@code target}, renaming tensors, converting them to {@code dtype}
     * (bf16 and f16 round to nearest even) and optionally replacing config.json.
     */
    public static Path copy(String model, Path target, UnaryOperator<String> rename, DType dtype, String configJson) throws IOException {
        Files.createDirectories(target);
        Path src = dir(model);
        for (String f : List.of("config.json", "preprocessor_config.json")) {
            Files.copy(src.resolve(f), target.resolve(f));
        }
        if (configJson != null) {
            Files.writeString(target.resolve("config.json"), configJson);
        }
        List<TensorData> out = new ArrayList<>();
        for (TensorData t : SafeTensors.read(src.resolve("model.safetensors")).tensors().values()) {
            String name = rename.apply(t.name());
            if (name != null) {
                out.add(convert(name, t.toFloats(), t.shape(), dtype));
            }
        }
        SafeTensors.write(target.resolve("model.safetensors"), out, Map.of("format", "pt"));
        return target;
    }

    public static TensorData convert(String name, float[] v, long[] shape, DType dtype) {
        ByteBuffer b = ByteBuffer.allocate(v.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            switch (dtype) {
                case F32 -> b.putFloat(f);
                case F16 -> b.putShort(HalfFloats.floatToHalf(f));
                case BF16 -> b.putShort(HalfFloats.floatToBf16(f));
                default -> throw new IllegalArgumentException(dtype.toString());
            }
        }
        b.flip();
        return new TensorData(name, dtype, shape, b);
    }

    /**
     * Asserts |a − e| ≤ tol·(|e| + rms(e)) elementwise: relative where values are large, and relative to the
     * tensor's scale where they pass near zero.
     */
    public static void assertClose(float[] actual, float[] expected, double tol, String what) {
        assertThat(actual).as(what + " length").hasSize(expected.length);
        double ss = 0;
        for (float e : expected) {
            ss += (double) e * e;
        }
        double rms = Math.sqrt(ss / Math.max(1, expected.length));
        for (int i = 0; i < expected.length; i++) {
            double bound = tol * (Math.abs(expected[i]) + rms);
            if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
                throw new AssertionError(what + "[" + i + "]: " + actual[i] + " vs expected " + expected[i]
                        + " (bound " + bound + ")");
            }
        }
    }
}
