package io.glimpse.tensor;

import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every float and int species a Vector API kernel keeps is {@link KernelSpecies#SHAPE}: a kernel on another shape
 * (the AVX-512 preferred one beside the Q8_0 kernels' 256 bits) makes the shared call sites of the Vector API see two
 * vector classes, and C2 then compiles every kernel with calls into the API's Java fallbacks (docs/runtime.md, "One
 * vector shape"). Only a machine whose preferred shape differs from the cap tells the two apart; there a kernel
 * written with {@code SPECIES_PREFERRED} fails this.
 */
class KernelSpeciesTest {
    @Test
    void theShapeIsThePreferredOneCappedAt256Bits() {
        GemmTest.assumeVectorApi();
        int preferred = VectorShape.preferredShape().vectorBitSize();
        assertThat(KernelSpecies.SHAPE.vectorBitSize()).isEqualTo(Math.min(256, preferred));
        assertThat(KernelSpecies.FLOATS.vectorShape()).isEqualTo(KernelSpecies.SHAPE);
        assertThat(KernelSpecies.INTS.vectorShape()).isEqualTo(KernelSpecies.SHAPE);
    }

    @Test
    void everyKernelKeepsItsFloatAndIntSpeciesAtTheKernelShape() throws ReflectiveOperationException {
        GemmTest.assumeVectorApi();
        List<String> kernels = new ArrayList<>(List.of("PanamaVectorOps", "PanamaGemm", "PanamaRowTileKernel"));
        // The weight kernels run only where the shape is 256 bits (their Q8_0 loads are); elsewhere the scalar ones do.
        if (KernelSpecies.SHAPE.vectorBitSize() == 256) {
            kernels.add("PanamaWeightKernels");
        }
        int checked = 0;
        for (String name : kernels) {
            Class<?> c = Class.forName(KernelSpeciesTest.class.getPackageName() + "." + name);
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || !VectorSpecies.class.isAssignableFrom(f.getType())) {
                    continue;
                }
                f.setAccessible(true);
                VectorSpecies<?> s = (VectorSpecies<?>) f.get(null);
                if (s.elementType() == float.class || s.elementType() == int.class) {
                    assertThat(s.vectorShape()).as("%s.%s", name, f.getName()).isEqualTo(KernelSpecies.SHAPE);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(kernels.size());
    }
}
