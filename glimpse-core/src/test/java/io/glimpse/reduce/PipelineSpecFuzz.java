package io.glimpse.reduce;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Random and mutated spec text never escapes as anything but IllegalArgumentException; valid text round-trips. */
class PipelineSpecFuzz {

    /** A random valid pipeline built from the registry: random methods, random in-range values. */
    @Provide
    Arbitrary<String> validSpecs() {
        return Arbitraries.longs().map(PipelineSpecFuzz::randomValidSpec);
    }

    static String randomValidSpec(long seed) {
        Random rnd = new Random(seed);
        List<ReducerMethod> methods = new ArrayList<>(Reducers.registry().methods());
        List<String> stages = new ArrayList<>();
        int count = 1 + rnd.nextInt(3);
        for (int s = 0; s < count; s++) {
            ReducerMethod m = methods.get(rnd.nextInt(methods.size()));
            List<String> params = new ArrayList<>();
            boolean budgetGiven = false;
            for (ParamDef p : m.params()) {
                boolean budget = StageSpec.isBudgetParam(p.name());
                if (rnd.nextBoolean() || (budget && budgetGiven)) {
                    continue;
                }
                budgetGiven |= budget;
                params.add(p.name() + "=" + randomValue(p, rnd));
            }
            stages.add(m.name() + (params.isEmpty() ? "" : ":" + String.join(",", params)));
        }
        return String.join(" > ", stages);
    }

    private static String randomValue(ParamDef p, Random rnd) {
        return switch (p.kind()) {
            case CHOICE -> p.choices().get(rnd.nextInt(p.choices().size()));
            case INTEGER -> randomInteger(p, rnd);
            case INTEGER_LIST -> {
                List<String> entries = new ArrayList<>();
                for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
                    entries.add(randomInteger(p, rnd));
                }
                yield String.join(rnd.nextBoolean() ? "x" : " X ", entries);
            }
            case REAL -> {
                double lo = p.min();
                double hi = Math.min(p.max(), lo + 10);
                double v = lo + rnd.nextDouble() * (hi - lo);
                yield String.valueOf(v <= lo && p.minExclusive() || v >= hi && p.maxExclusive() ? (lo + hi) / 2 : v);
            }
        };
    }

    private static String randomInteger(ParamDef p, Random rnd) {
        return String.valueOf((long) p.min() + rnd.nextInt((int) Math.min(1000, p.max() - p.min()) + 1));
    }

    @Property(tries = 500)
    void validSpecsRoundTripThroughTheirCanonicalText(@ForAll("validSpecs") String text) {
        PipelineSpec spec;
        try {
            spec = PipelineSpec.parse(text);
        } catch (IllegalArgumentException jointlyInvalid) {
            assertThat(jointlyInvalid.getMessage()).containsAnyOf("mink", "visiondrop: ", "needs alternation=aside");
            return;
        }
        assertThat(PipelineSpec.parse(spec.toString())).isEqualTo(spec);
        assertThat(PipelineSpec.parse(spec.toString()).toString()).isEqualTo(spec.toString());
    }

    @Provide
    Arbitrary<String> mutatedSpecs() {
        Arbitrary<String> alphabet = Arbitraries.strings().withChars(":>,=. -+eE0123456789kKrtomeNaInfx\t\n\u2028\u00e9\u0000")
                .ofMaxLength(4);
        return Combinators.combine(validSpecs(), Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 200),
                Arbitraries.integers().between(0, 6), alphabet).as((s, op, pos, len, insert) -> {
                    int at = Math.min(pos, s.length());
                    int end = Math.min(s.length(), at + len);
                    return switch (op) {
                        case 0 -> s.substring(0, at) + insert + s.substring(at);
                        case 1 -> s.substring(0, at) + s.substring(end);
                        case 2 -> s.substring(0, at) + insert + s.substring(end);
                        default -> s.substring(at) + insert + s.substring(0, at);
                    };
                });
    }

    @Property(tries = 2000)
    void mutatedSpecsParseOrFailWithIllegalArgument(@ForAll("mutatedSpecs") String text) {
        checkParse(text);
    }

    @Property(tries = 1000)
    void arbitraryStringsParseOrFailWithIllegalArgument(@ForAll String text) {
        checkParse(text);
    }

    private static void checkParse(String text) {
        PipelineSpec spec;
        try {
            spec = PipelineSpec.parse(text);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank().doesNotContain("\n", "\r", "\u2028", "\u0085");
            return;
        } catch (RuntimeException other) {
            fail("'" + text + "' raised " + other);
            return;
        }
        assertThat(PipelineSpec.parse(spec.toString())).isEqualTo(spec);
    }
}
