package io.glimpse.lm.prune;

import io.glimpse.io.BadInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerPrunersTest {
    @Test
    void eachNameMakesItsMethodsPrunerWithTheReferenceDefaults() {
        assertThat(LayerPruners.methods()).extracting(PrunerMethod::name).containsExactly("fastv", "aim", "todre");
        assertThat(LayerPruners.method("fastv").create(24, 5, 10)).isInstanceOf(FastVLayerPruner.class)
                .satisfies(p -> assertThat(p.actsBefore(2) && !p.actsBefore(1)).isTrue());
        assertThat(LayerPruners.method("aim").create(24, 5, 10)).isInstanceOf(AimLayerPruner.class)
                .satisfies(p -> assertThat(p.actsBefore(13) && !p.actsBefore(12)).isTrue());
        assertThat(LayerPruners.method("todre").create(24, 5, 10)).isInstanceOf(ToDreLayerPruner.class)
                .satisfies(p -> assertThat(p.actsBefore(22) && !p.actsBefore(21)).isTrue());
    }

    @Test
    void anUnknownNameIsBadInputListingTheValidOnes() {
        assertThatThrownBy(() -> LayerPruners.method("fastvv")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("'fastvv'").hasMessageContaining("fastv, aim, todre");
    }
}
