package io.glimpse.io;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SafeTensorsProperties {

    record Spec(DType dtype, long[] shape, long seed) {
    }

    @Provide
    Arbitrary<List<Spec>> tensorSpecs() {
        Arbitrary<DType> dtypes = Arbitraries.of(DType.values());
        Arbitrary<long[]> shapes = Arbitraries.longs().between(0, 7).array(long[].class).ofMinSize(0).ofMaxSize(4);
        Arbitrary<Spec> spec = Combinators.combine(dtypes, shapes, Arbitraries.longs()).as(Spec::new);
        return spec.list().ofMinSize(0).ofMaxSize(6);
    }

    @Property(tries = 200)
    void roundTripKeepsEveryByteShapeAndDtype(@ForAll("tensorSpecs") List<Spec> specs) throws IOException {
        Path dir = Files.createTempDirectory("st");
        try {
            List<TensorData> tensors = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                Spec s = specs.get(i);
                int bytes = (int) (TensorData.elementCount(s.shape()) * s.dtype().bytes());
                byte[] data = new byte[bytes];
                new Random(s.seed()).nextBytes(data);
                tensors.add(new TensorData("t" + i + "." + s.dtype(), s.dtype(), s.shape(), ByteBuffer.wrap(data)));
            }
            Path file = dir.resolve("x.safetensors");
            SafeTensors.write(file, tensors, Map.of("k", "v"));
            SafeTensors back = SafeTensors.read(file);
            assertThat(back.metadata()).containsEntry("k", "v");
            assertThat(back.tensors()).hasSize(tensors.size());
            for (TensorData t : tensors) {
                TensorData r = back.tensors().get(t.name());
                assertThat(r.dtype()).isEqualTo(t.dtype());
                assertThat(r.shape()).isEqualTo(t.shape());
                assertThat(r.data()).isEqualTo(t.data());
            }
            long headerLen = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(headerLen % 8).as("header padded to 8 bytes for aligned tensor data").isZero();
        } finally {
            try (var s = Files.list(dir)) {
                s.forEach(p -> p.toFile().delete());
            }
            Files.delete(dir);
        }
    }

    @Property(tries = 300)
    void floatConversionsRoundTripThroughHalfAndBfloat(@ForAll float f) {
        float h = HalfFloats.halfToFloat(HalfFloats.floatToHalf(f));
        float b = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(f));
        if (Float.isNaN(f)) {
            assertThat(h).isNaN();
            assertThat(b).isNaN();
            return;
        }
        if (Math.abs(f) < 0x1.fep127f) {
            assertThat(Math.abs(b - f)).isLessThanOrEqualTo(Math.abs(f) * 0x1p-8f);
        } else {
            assertThat(Math.abs(b)).as("overflow rounds to infinity").isIn(Float.POSITIVE_INFINITY, 0x1.fep127f);
        }
        if (Math.abs(f) < 65504f && Math.abs(f) > 0x1p-14f) {
            assertThat(Math.abs(h - f)).isLessThanOrEqualTo(Math.abs(f) * 0x1p-11f);
        }
    }
}
