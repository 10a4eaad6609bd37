package io.glimpse.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one vector shape of every Vector API kernel: the machine's preferred shape, but at most 256 bits. The Q8_0
 * kernels read a 32-weight block per 256-bit load, so 256 bits is the one shape all kernels can share; sharing it is
 * what keeps them compiled. C2 resolves {@code fma}, {@code add} and their kin on a vector whose exact class it does not
 * yet know from the call's type profile, and that profile is shared by every caller: where the Q8_0 kernels ran on
 * {@code Float256Vector} and the rest on the AVX-512 preferred {@code Float512Vector}, the profile held both, and C2
 * compiled the kernels with real calls into the Vector API's Java fallbacks. On a 2-core Zen 5 (AVX-512) q8_0 decode
 * of the Qwen2-0.5B shape ran at 15 tok/s and a 64-row prefill at 24, against 49 and 213 with one shape. Every kernel
 * at 512 bits instead (the Q8_0 ones two blocks per vector) made that prefill 1.4× faster on the same full-width
 * cores but bf16 decode 0.8× as fast, so the cap stays (docs/runtime.md, "One vector shape").
 * Loaded only by the Vector API kernels.
 */
final class KernelSpecies {
    static final VectorShape SHAPE = VectorShape.preferredShape().vectorBitSize() > 256 ? VectorShape.S_256_BIT
            : VectorShape.preferredShape();
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED.withShape(SHAPE);
    static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED.withShape(SHAPE);

    private KernelSpecies() {
    }
}
