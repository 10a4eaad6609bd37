package io.glimpse.spark;

import io.glimpse.clip.QueryScorer;
import io.glimpse.io.BadInputException;
import io.glimpse.job.PlanEncodeJob;
import io.glimpse.job.PlanJob;
import io.glimpse.job.PlanOutputs;
import io.glimpse.job.TowerEncoder;
import io.glimpse.tokens.TokenFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One video through the code path of {@code glimpse plan} ({@link PlanEncodeJob}, which is {@link PlanJob#run} with
 * its checkpoints given): plan, PatchStats tokens of the chosen frames or those of the options' tower as
 * {@code glimpse encode} makes them, the optional reduction; the delivered tokens are kept as token-file bytes. The
 * tower and query scorer come from {@link LoadedModels}, loaded once per JVM. Any failure of the video itself
 * (undecodable, unreadable, a plan that cannot be made) becomes a {@link Outcome.Failed} line; a checkpoint that
 * cannot be loaded fails the task, as it is no video's fault.
 */
public record CompressVideo(CorpusOptions options, HadoopConf conf) implements VideoTask {

    @Override
    public Outcome run(VideoFile file) {
        if (file.unreadable() != null) {
            return new Outcome.Failed(file, file.unreadable());
        }
        TowerEncoder tower;
        QueryScorer query;
        try {
            tower = options.tower() == null ? null : LoadedModels.tower(options.tower().settings());
            query = options.query() == null ? null : LoadedModels.scorer(Path.of(options.tower().model()), options.query());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (LocalFile local = LocalFile.of(file.path(), conf)) {
            try {
                long start = System.nanoTime();
                PlanJob.Result result = PlanEncodeJob.run(local.path(), options.planOptions(), query, tower,
                        PlanJob.Listener.QUIET);
                double millis = (System.nanoTime() - start) / 1e6;
                return new Outcome.Compressed(file, result, tokenFile(result, tower), millis);
            } catch (Exception e) {
                return new Outcome.Failed(file, errorLine(file, local.path(), e));
            }
        } catch (IOException e) {
            return new Outcome.Failed(file, file.path() + ": cannot be read: " + firstLine(e));
        }
    }

    /** The corpus path, then the problem; messages that name the local copy name it once, by the corpus path. */
    private static String errorLine(VideoFile file, Path local, Exception e) {
        String m = firstLine(e);
        String prefix = local + ": ";
        String what = m.startsWith(prefix) ? m.substring(prefix.length()) : m;
        return file.path() + ": " + (e instanceof BadInputException ? what : e.getClass().getSimpleName() + ": " + what);
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    }

    /** The bytes {@code glimpse plan} writes as tokens.safetensors for the same video (with a tower, its encoder). */
    private static byte[] tokenFile(PlanJob.Result r, TowerEncoder tower) throws IOException {
        try (TempFolder dir = TempFolder.create("glimpse-corpus-tokens")) {
            Path file = dir.path().resolve(PlanOutputs.TOKENS);
            TokenFile.write(r.delivered(), file, PlanEncodeJob.tokenMetadata(r, tower));
            return Files.readAllBytes(file);
        }
    }
}
