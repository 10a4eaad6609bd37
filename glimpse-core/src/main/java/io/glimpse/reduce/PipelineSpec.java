package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed, validated reduction pipeline: the spec language shared by CLI, server and library.
 *
 * <pre>
 *   pipeline := stage ( '&gt;' stage )*
 *   stage    := name [ ':' param ( ',' param )* ]
 *   param    := key '=' value
 *   value    := number | word | integer ( 'x' integer )*
 * </pre>
 * Example: {@code tome:keep=0.5 > kcenter:k=64}. Whitespace around every token is ignored; names, keys and
 * choice values are case-insensitive. Numbers are plain decimals ({@code 0.5}, {@code 64}, {@code 1e-3}); NaN,
 * infinities and hex are rejected. List parameters join integers with {@code x}, e.g. {@code fsq:levels=8x5x5x5}.
 *
 * <p>Budgets follow one convention (see {@link Budget}): {@code keep=<fraction in (0,1]>} of the tokens the stage
 * receives, or {@code k=<count>} tokens in total, or {@code r=<count>} tokens removed; at most one per stage.
 * A budgeted stage that gives none uses its default {@code keep}, unless a {@link Pipeline} final budget assigns
 * it a share.
 *
 * <p>Every error is an {@link IllegalArgumentException} with a one-line message: unknown methods list the valid
 * names, unknown parameters list the method's parameters, bad values say what is allowed.
 * {@link #toString()} gives the canonical text, which parses back to an equal spec.
 */
public record PipelineSpec(List<StageSpec> stages) {

    public PipelineSpec {
        stages = List.copyOf(stages);
        if (stages.isEmpty()) {
            throw new BadInputException("a pipeline needs at least one stage");
        }
    }

    /** Parses with the built-in methods. */
    public static PipelineSpec parse(String text) {
        return parse(text, Reducers.registry());
    }

    public static PipelineSpec parse(String text, ReducerRegistry registry) {
        if (text == null || text.isBlank()) {
            throw new BadInputException("empty pipeline spec; expected e.g. 'tome:keep=0.5 > kcenter:k=64'");
        }
        List<StageSpec> stages = new ArrayList<>();
        String[] parts = text.split(">", -1);
        for (int i = 0; i < parts.length; i++) {
            stages.add(parseStage(parts[i], i + 1, registry));
        }
        return new PipelineSpec(stages);
    }

    private static StageSpec parseStage(String text, int position, ReducerRegistry registry) {
        int colon = text.indexOf(':');
        String name = (colon < 0 ? text : text.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            throw new BadInputException("stage " + position + " of the pipeline has no method name");
        }
        ReducerMethod method = registry.method(name);
        Map<String, Object> values = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String assignment : text.substring(colon + 1).split(",", -1)) {
                int eq = assignment.indexOf('=');
                if (eq < 0) {
                    throw new BadInputException(name + ": expected key=value, got "
                            + ParamDef.quoted(assignment.trim()));
                }
                String key = assignment.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                ParamDef def = method.param(key);
                if (def == null) {
                    throw new BadInputException(method.unknownParameter(key));
                }
                if (values.containsKey(key)) {
                    throw new BadInputException(name + ": parameter " + key + " given twice");
                }
                values.put(key, def.parse(name, assignment.substring(eq + 1)));
            }
        }
        return new StageSpec(method, values);
    }

    /** Canonical text: stages joined by {@code " > "}. */
    @Override
    public String toString() {
        return String.join(" > ", stages.stream().map(StageSpec::toString).toList());
    }
}
