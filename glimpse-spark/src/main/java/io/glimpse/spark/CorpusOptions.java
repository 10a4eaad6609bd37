package io.glimpse.spark;

import io.glimpse.job.PlanJob;
import io.glimpse.job.TowerEncoder;
import io.glimpse.plan.CostModels;
import io.glimpse.plan.PlanMethod;
import io.glimpse.reduce.Pipeline;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * What {@code glimpse plan} (and, with a tower, {@code glimpse encode}) is told, in a form Spark can ship to
 * executors: the pipeline, cost model and checkpoint settings are rebuilt from their names there, so every task runs
 * with exactly the CLI's options.
 *
 * @param budget target tokens each video's plan may spend
 * @param target cost model name
 * @param method {@code uniform|scenes|clips|quota}
 * @param fps    candidate frames sampled per second
 * @param dedup  near-repeat threshold, or null to keep repeats
 * @param reduce reduction pipeline spec applied to each plan's tokens, or null
 * @param tower  the checkpoint that encodes the chosen frames (and scores the query), or null for PatchStats
 * @param query  text the candidates are scored against with {@code tower}'s dual encoder, or null
 */
public record CorpusOptions(int budget, String target, String method, double fps, Double dedup, String reduce,
                            Tower tower, String query) implements Serializable {

    /**
     * {@link TowerEncoder.Settings} as strings (a {@link Path} is not serializable).
     *
     * @param model checkpoint folder, the same local path on the driver and on every executor
     */
    public record Tower(String model, Integer layer, boolean postLayerNorm, int tome) implements Serializable {
        public TowerEncoder.Settings settings() {
            return new TowerEncoder.Settings(Path.of(model), layer, postLayerNorm, tome);
        }
    }

    /** PatchStats tokens, no query: {@code glimpse plan}'s defaults. */
    public static CorpusOptions plan(int budget, String target, String method, double fps, Double dedup, String reduce) {
        return new CorpusOptions(budget, target, method, fps, dedup, reduce, null, null);
    }

    public CorpusOptions {
        if (query != null && tower == null) {
            throw new IllegalArgumentException("a query is scored by the tower's checkpoint; none was given");
        }
    }

    /** The job options {@code glimpse plan} builds from the same flags; throws on a bad name or budget. */
    public PlanJob.Options planOptions() {
        PlanJob.Options options = new PlanJob.Options(budget, CostModels.forName(target).name(), PlanMethod.parse(method),
                fps, reduce == null ? null : Pipeline.of(reduce),
                query == null ? null : new PlanJob.Query(Path.of(tower.model()), query), dedup);
        options.request();
        return options;
    }
}
