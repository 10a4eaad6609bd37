package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.reduce.quant.QuantizeRoundTrip;

/**
 * The built-in reduction methods. Adding a method = its own file declaring a {@code METHOD} descriptor, plus one
 * line in the list below:
 * <pre>{@code
 * public final class MyPrune implements Reducer {
 *     public static final ReducerMethod METHOD = ReducerMethod.of("myprune", Site.POOLED, "one-line summary",
 *             spec -> new MyPrune(spec.budget(), spec.real("alpha")),
 *             ParamDef.keep(0.5), ParamDef.count(),
 *             ParamDef.real("alpha", 0, 1, 0.1, "what alpha weighs"));
 *     ...
 * }
 * }</pre>
 * Declaring {@link ParamDef#count()} makes a method budgeted, so a {@link Pipeline} final budget can hand it a share.
 */
public final class Reducers {
    private static final ReducerRegistry REGISTRY = ReducerRegistry.of(
            BipartiteMerge.METHOD,
            AimFrameMerge.METHOD,
            KCenterSelect.METHOD,
            SegmentKMedoids.METHOD,
            TemporalMerge.METHOD,
            TemporalPrune.METHOD,
            VqTokenCluster.METHOD,
            FastVPrune.METHOD,
            HiPrune.METHOD,
            VisionZip.METHOD,
            VisionDrop.METHOD,
            MatryoshkaPool.METHOD,
            AdaptivePool.METHOD,
            QuantizeRoundTrip.TOKENBRIDGE,
            QuantizeRoundTrip.FSQ,
            QuantizeRoundTrip.BINARY);

    private Reducers() {
    }

    public static ReducerRegistry registry() {
        return REGISTRY;
    }

    /** The reducer for a one-stage spec such as {@code kcenter:k=64}. */
    public static Reducer create(String stageSpec) {
        PipelineSpec spec = PipelineSpec.parse(stageSpec);
        if (spec.stages().size() != 1) {
            throw new BadInputException("expected one stage, got " + spec.stages().size() + " in "
                    + ParamDef.quoted(stageSpec));
        }
        return spec.stages().get(0).create();
    }
}
