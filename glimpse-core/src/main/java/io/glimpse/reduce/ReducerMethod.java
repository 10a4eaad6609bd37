package io.glimpse.reduce;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the registry knows about one reduction method: its spec name, a one-line summary, the parameters it
 * accepts, and a factory from a validated stage to a reducer. Each method file declares one as {@code METHOD}.
 *
 * @param name    lower-case spec name, e.g. {@code tome}
 * @param site    where in a LLaVA turn the method acts
 * @param summary one line for help listings
 * @param params  accepted parameters, in the order canonical specs print them
 * @param factory builds the reducer from a stage whose values were checked against {@code params}; it must be cheap
 *                and free of side effects, since every parsed stage is built once to check constraints between
 *                parameters (throw IllegalArgumentException naming the method for those)
 */
public record ReducerMethod(String name, Site site, String summary, List<ParamDef> params, Function<StageSpec, Reducer> factory) {

    public ReducerMethod {
        Objects.requireNonNull(factory);
        Objects.requireNonNull(site);
        params = List.copyOf(params);
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("method name '" + name + "' must be lower-case letters, digits and dashes");
        }
        if (params.stream().map(ParamDef::name).distinct().count() != params.size()) {
            throw new IllegalArgumentException("method " + name + " declares a parameter twice");
        }
    }

    public static ReducerMethod of(String name, Site site, String summary, Function<StageSpec, Reducer> factory,
                                   ParamDef... params) {
        return new ReducerMethod(name, site, summary, List.of(params), factory);
    }

    /** The definition of a parameter, or null when the method has none of that name. */
    public ParamDef param(String paramName) {
        for (ParamDef p : params) {
            if (p.name().equals(paramName)) {
                return p;
            }
        }
        return null;
    }

    /** True when the method accepts a token budget ({@code k=}), so a pipeline can hand it a share of one. */
    public boolean budgeted() {
        return param(Budget.Kind.COUNT.param()) != null;
    }

    /**
     * True when the method ranks tokens by the encoder's attention maps; these methods all take
     * {@code score=cls|received}. Encoders record attention only when a stage will read it, since recording it
     * costs encode time.
     */
    public boolean readsAttention() {
        return param(AttentionScores.SCORE_PARAM) != null;
    }

    /** Help text: the summary and one line per parameter. */
    public String describe() {
        return name + " - " + summary + params.stream().map(p -> "\n  " + p.describe()).collect(Collectors.joining());
    }

    String unknownParameter(String key) {
        return name + ": unknown parameter " + ParamDef.quoted(key) + "; valid parameters: "
                + (params.isEmpty() ? "(none)" : params.stream().map(ParamDef::name).collect(Collectors.joining(", ")));
    }
}
