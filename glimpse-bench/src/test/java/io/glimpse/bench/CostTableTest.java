package io.glimpse.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostTableTest {
    @Test
    void vitFlopsFollowTheStatedFormula() {
        // CLIP-L/336: 2·(577·(4·1024² + 2·1024·4096) + 2·577²·1024) per layer, 24 layers.
        assertThat(VitModel.CLIP_L_336.layerFlops()).isEqualTo(15_884_357_632.0);
        assertThat(VitModel.CLIP_L_336.forwardFlops()).isEqualTo(24 * 15_884_357_632.0);
        // SigLIP-so400m: 2·(729·(4·1152² + 2·1152·4304) + 2·729²·1152) per layer, 26 layers; fc1 2·729·1152·4304.
        assertThat(VitModel.SIGLIP_SO400M.layerFlops()).isEqualTo(24_646_685_184.0);
        assertThat(VitModel.SIGLIP_SO400M.fc1Flops()).isEqualTo(7_229_067_264.0);
    }

    @Test
    void forwardTimeScalesTheSgemmByFramesAndFlops() {
        InputShape video = InputShape.parse("32x196x896");
        // 32 frames × 26 layers × 24 646 685 184 FLOPs at 7 229 067 264 FLOPs per 10 ms.
        assertThat(CostTable.vitMillis(video, 10)).isCloseTo(10 * 32 * 26 * 24_646_685_184.0 / 7_229_067_264.0, within(1e-6));
        assertThat(CostTable.vitMillis(video, 10)).isCloseTo(28_366.1, within(0.1));
    }

    @Test
    void methodsOverFivePercentOfTheForwardAreFlagged() {
        List<CostTable.Method> methods = List.of(
                new CostTable.Method("slow", "32x196x896", 1500, 1, 1e6),
                new CostTable.Method("fast", "32x196x896", 1000, 1, Double.NaN),
                new CostTable.Method("image", "576x1024", 1, 0.1, 0));
        List<CostTable.Row> rows = CostTable.rows(methods, Map.of(VitModel.SIGLIP_SO400M, 10.0));
        // The CLIP-L image has no measured sgemm, so it has no row.
        assertThat(rows).extracting(r -> r.method().spec()).containsExactly("slow", "fast");
        assertThat(rows.get(0).vitShare()).isCloseTo(1500 / 28_366.1, within(1e-5));
        assertThat(rows.get(0).sgemmRatio()).isEqualTo(150.0);
        assertThat(rows.get(0).flagged()).isTrue();
        assertThat(rows.get(1).flagged()).isFalse();
        String table = CostTable.render(methods, Map.of(VitModel.SIGLIP_SO400M, 10.0));
        assertThat(table).contains("siglip-so400m").contains("> 5% of ViT forward");
        assertThat(table.lines().filter(l -> l.contains("> 5%")).count()).isEqualTo(1);
    }

    @Test
    void shapesParseWithTheirViT() {
        assertThat(InputShape.parse("576x1024")).isEqualTo(new InputShape(1, 24, 1024, VitModel.CLIP_L_336));
        assertThat(InputShape.parse("64x729x1152")).isEqualTo(new InputShape(64, 27, 1152, VitModel.SIGLIP_SO400M));
        assertThat(InputShape.parse(" 8x256x1152@clip-l-336 ").vit()).isEqualTo(VitModel.CLIP_L_336);
        assertThat(InputShape.parse("32x196x896").tokens()).isEqualTo(6272);
    }

    @Test
    void badShapesAreRejected() {
        assertThatThrownBy(() -> InputShape.parse("8x256x1152")).hasMessageContaining("no default ViT");
        assertThatThrownBy(() -> InputShape.parse("575x1024")).hasMessageContaining("not a square grid");
        assertThatThrownBy(() -> InputShape.parse("1024")).hasMessageContaining("TOKENSxDIM");
        assertThatThrownBy(() -> InputShape.parse("axb")).hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> InputShape.parse("576x1024@vit-h")).hasMessageContaining("unknown ViT");
    }
}
