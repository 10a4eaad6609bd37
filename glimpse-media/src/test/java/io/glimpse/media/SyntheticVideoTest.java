package io.glimpse.media;

import static io.glimpse.media.VideoSourceTest.meanAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.glimpse.image.RgbImage;
import io.glimpse.media.SyntheticVideo.Spec;
import io.glimpse.media.SyntheticVideo.Transition;
import io.glimpse.media.SyntheticVideo.TransitionKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticVideoTest {
    private static final Spec MIXED = new Spec(96, 64, 10, List.of(3.0, 2.5, 3.0),
            List.of(TransitionKind.CUT, TransitionKind.FADE), 1.0, 42);

    @Test
    void groundTruthListsEachBoundaryAtItsFrame() {
        SyntheticVideo v = new SyntheticVideo(MIXED);
        assertThat(v.frameCount()).isEqualTo(85);
        assertThat(v.durationSeconds()).isCloseTo(8.5, within(1e-9));
        assertThat(v.transitions()).containsExactly(
                new Transition(TransitionKind.CUT, 3.0, 3.0, 3.0),
                new Transition(TransitionKind.FADE, 5.5, 5.0, 6.0));
        assertThat(v.sceneOf(29)).isZero();
        assertThat(v.sceneOf(30)).isEqualTo(1);
        assertThat(v.sceneOf(55)).isEqualTo(2);
    }

    @Test
    void framesWithinASceneMoveButStaySimilarWhileACutChangesEverything() {
        SyntheticVideo v = new SyntheticVideo(MIXED);
        double within = meanAbsDiff(v.render(28), v.render(29));
        assertThat(within).isGreaterThan(0.0).isLessThan(15.0);
        assertThat(meanAbsDiff(v.render(29), v.render(30))).isGreaterThan(3 * within + 20);
    }

    @Test
    void aFadeBlendsGraduallyFromOneSceneToTheNext() {
        SyntheticVideo v = new SyntheticVideo(MIXED);
        // Fade frames 50..59: each step is small, yet the end differs from the start as much as a cut would.
        double maxStep = 0;
        for (int n = 49; n <= 60; n++) {
            maxStep = Math.max(maxStep, meanAbsDiff(v.render(n - 1), v.render(n)));
        }
        double total = meanAbsDiff(v.render(49), v.render(60));
        assertThat(total).isGreaterThan(20.0);
        assertThat(maxStep).isLessThan(total / 4);
        // Halfway, the frame sits between the two scenes.
        RgbImage mid = v.render(55);
        double toFrom = meanAbsDiff(mid, v.render(49));
        double toTo = meanAbsDiff(mid, v.render(60));
        assertThat(toFrom).isLessThan(total);
        assertThat(toTo).isLessThan(total);
    }

    @Test
    void sameSeedSamePixelsOtherSeedOtherPixels() {
        RgbImage a = new SyntheticVideo(MIXED).render(40);
        RgbImage b = new SyntheticVideo(MIXED).render(40);
        assertThat(a.rgb()).isEqualTo(b.rgb());
        Spec other = new Spec(96, 64, 10, MIXED.sceneSeconds(), MIXED.transitions(), 1.0, 43);
        assertThat(meanAbsDiff(a, new SyntheticVideo(other).render(40))).isGreaterThan(10.0);
    }

    @Test
    void variedSpecCoversTheDurationWithAFadeEveryThirdBoundary() {
        Spec spec = Spec.varied(64, 48, 5, 120, 9);
        double total = spec.sceneSeconds().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(total).isGreaterThanOrEqualTo(120).isLessThan(129);
        assertThat(spec.sceneSeconds()).allSatisfy(s -> assertThat(s).isBetween(2.0, 9.0));
        for (int i = 0; i < spec.transitions().size(); i++) {
            assertThat(spec.transitions().get(i))
                    .isEqualTo(i % 3 == 1 ? TransitionKind.FADE : TransitionKind.CUT);
        }
        assertThat(Spec.varied(64, 48, 5, 120, 9)).isEqualTo(spec);
    }

    @Test
    void invalidSpecsAreRejected() {
        assertThatThrownBy(() -> Spec.hardCuts(95, 64, 10, 2, 1.0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Spec(96, 64, 10, List.of(1.0, 0.5), List.of(TransitionKind.FADE), 1.0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fade");
        assertThatThrownBy(() -> new Spec(96, 64, 10, List.of(1.0, 2.0), List.of(), 0.0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void helperFilesForDamageTests(@TempDir Path dir) throws IOException {
        Path src = Files.write(dir.resolve("src.bin"), new byte[1000]);
        assertThat(Files.size(SyntheticVideo.truncatedCopy(src, dir.resolve("cut.bin"), 0.3))).isEqualTo(300);
        byte[] bad = Files.readAllBytes(SyntheticVideo.corruptedCopy(src, dir.resolve("bad.bin"), 0.5, 0.6, 1));
        int changed = 0;
        for (int i = 0; i < bad.length; i++) {
            if (bad[i] != 0) {
                assertThat(i).isBetween(500, 599);
                changed++;
            }
        }
        assertThat(changed).isGreaterThan(90);
    }
}
