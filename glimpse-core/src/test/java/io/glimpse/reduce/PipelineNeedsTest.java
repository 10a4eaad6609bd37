package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Encoders compute only the maps and key rows a pipeline's stages read: every block's maps cost encode time. */
class PipelineNeedsTest {
    @Test
    void stagesAskForTheirBlocksOnly() {
        AttentionMaps.Request r = Pipeline.of("visionzip:k=64,layer=3 > hiprune:k=32,objectlayer=2,deeplayer=3 > kcenter:k=8").needs();
        assertThat(r.maps()).containsExactlyInAnyOrder(2, 3);
        assertThat(r.keys()).containsExactly(3);
        assertThat(Pipeline.of("visionzip:k=64,layer=3,metric=embeddings").needs().keys()).isEmpty();
        assertThat(Pipeline.of("tome:keep=0.5").needs()).isEqualTo(new AttentionMaps.Request(Set.of(), Set.of(23)));
        assertThat(Pipeline.of("kcenter:k=8 > tmerge").needs().isEmpty()).isTrue();
    }

    @Test
    void onlyStagesOnTheEncodersTokensCountForItsMaps() {
        // tome acts on pooled decoder rows, which carry no encoder keys.
        assertThat(Pipeline.of("visionzip:k=64,layer=5 > tome:keep=0.5").encoderNeeds())
                .isEqualTo(new AttentionMaps.Request(Set.of(5), Set.of(5)));
    }

    @Test
    void blocksBeyondATowerAreLeftOut() {
        assertThat(new AttentionMaps.Request(Set.of(2, 23), Set.of(23)).within(4))
                .isEqualTo(new AttentionMaps.Request(Set.of(2), Set.of()));
    }
}
