package io.glimpse.spark;

import io.glimpse.job.PlanJob;
import io.glimpse.plan.CostModels;
import io.glimpse.plan.PlanMethod;
import io.glimpse.reduce.Pipeline;

import java.io.Serializable;

/**
 * What {@code glimpse plan} is told, in a form Spark can ship to executors: the pipeline and cost model are rebuilt
 * from their names there by {@link #planOptions()}, so every task plans with exactly the CLI's options.
 *
 * @param budget target tokens each video's plan may spend
 * @param target cost model name
 * @param method {@code uniform|scenes|clips|quota}
 * @param fps    candidate frames sampled per second
 * @param dedup  near-repeat threshold, or null to keep repeats
 * @param reduce reduction pipeline spec applied to each plan's tokens, or null
 */
public record CorpusOptions(int budget, String target, String method, double fps, Double dedup, String reduce)
        implements Serializable {

    /** The job options {@code glimpse plan} builds from the same flags; throws on a bad name or budget. */
    public PlanJob.Options planOptions() {
        PlanJob.Options options = new PlanJob.Options(budget, CostModels.forName(target).name(), PlanMethod.parse(method),
                fps, reduce == null ? null : Pipeline.of(reduce), null, dedup);
        options.request();
        return options;
    }
}
