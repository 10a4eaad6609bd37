package io.glimpse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.PipelineSpec;
import io.glimpse.reduce.quant.QuantizeRoundTrip;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.tokens.TokenSet;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

class ReducerBenchmarkTest {
    private static final List<String> QUANTIZERS = List.of(QuantizeRoundTrip.TOKENBRIDGE.name(),
            QuantizeRoundTrip.FSQ.name(), QuantizeRoundTrip.BINARY.name());

    private static List<String> defaults(String field) throws NoSuchFieldException {
        return Arrays.asList(ReducerBenchmark.class.getField(field).getAnnotation(Param.class).value());
    }

    @Test
    void everyDefaultSpecRunsOnTheSyntheticInputAndReducesOrQuantizes() throws Exception {
        // A small two-frame input with the 14×14 grid of the pooled video shape.
        InputShape shape = InputShape.parse("2x196x64");
        TokenSet in = SyntheticTokens.tokens(shape, 1);
        ReduceContext ctx = SyntheticTokens.context(shape, 1);
        for (String spec : defaults("spec")) {
            assertThat(spec).as("JMH -p splits on commas").doesNotContain(",");
            TokenSet out = Pipeline.of(spec).apply(in, ctx);
            if (QUANTIZERS.contains(PipelineSpec.parse(spec).stages().get(0).name())) {
                // A quantizer round trip keeps every token and replaces its embedding by the quantized value.
                assertThat(out.size()).as(spec).isEqualTo(in.size());
                assertThat(out.embeddingsView()).as(spec).isNotEqualTo(in.embeddingsView());
            } else {
                assertThat(out.size()).as(spec).isPositive().isLessThan(in.size());
            }
        }
    }

    @Test
    void everyDefaultShapeParses() throws Exception {
        assertThat(defaults("shape")).extracting(s -> InputShape.parse(s).tokens()).containsExactly(576, 6272, 46656);
    }
}
