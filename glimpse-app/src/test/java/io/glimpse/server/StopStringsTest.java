package io.glimpse.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StopStringsTest {
    @Test
    void textIsHeldOnlyWhileItCouldStartAStopString() {
        StopStrings s = new StopStrings(List.of("END", "##"));
        assertThat(s.accept("abc E")).isEqualTo("abc ");
        assertThat(s.accept("x")).isEqualTo("Ex");
        assertThat(s.accept("#")).isEmpty();
        assertThat(s.accept("y")).isEqualTo("#y");
        assertThat(s.accept("EN")).isEmpty();
        assertThat(s.accept("Dtail")).isEmpty();
        assertThat(s.stopped()).isTrue();
        assertThat(s.accept("more")).isEmpty();
        assertThat(s.finish()).isEmpty();
    }

    @Test
    void theEarliestStopStringWinsAndHeldTextIsReleasedAtTheEnd() {
        StopStrings s = new StopStrings(List.of("cd", "b"));
        assertThat(s.accept("abcd")).isEqualTo("a");
        StopStrings t = new StopStrings(List.of("xyz"));
        assertThat(t.accept("axy")).isEqualTo("a");
        assertThat(t.finish()).isEqualTo("xy");
        assertThat(new StopStrings(List.of()).accept("all of it")).isEqualTo("all of it");
    }
}
