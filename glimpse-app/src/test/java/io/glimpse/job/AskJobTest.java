package io.glimpse.job;

import io.glimpse.llava.Positions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The ask options name exactly the runtime's position schemes, and the opt-in rotary ones are the ones flagged. */
class AskJobTest {
    @Test
    void positionOptionsAreTheRuntimesSchemes() {
        assertThat(Arrays.stream(AskJob.Positions.values()).map(AskJob.Positions::spelling)).containsExactlyElementsOf(Positions.NAMES);
        assertThat(Arrays.stream(AskJob.Positions.values()).filter(AskJob.Positions::rotatesVisualRows))
                .containsExactly(AskJob.Positions.VISTA, AskJob.Positions.TCLAVA);
        assertThat(AskJob.Positions.TCLAVA.scheme(0.5)).isEqualTo(new Positions.TcLlava(0.5));
        assertThat(AskJob.Positions.KEEP.scheme(0.5)).isSameAs(Positions.KEEP);
    }
}
