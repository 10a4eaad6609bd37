package io.glimpse.spark;

import io.glimpse.io.BadInputException;
import io.glimpse.job.PlanJob;
import io.glimpse.job.PlanOutputs;
import io.glimpse.tokens.TokenFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One video through {@link PlanJob#run}, the code path of {@code glimpse plan}: plan, PatchStats tokens of the chosen
 * frames, the optional reduction; the delivered tokens are kept as token-file bytes. Any failure of the video itself
 * (undecodable, unreadable, a plan that cannot be made) becomes a {@link Outcome.Failed} line.
 */
public record CompressVideo(CorpusOptions options, HadoopConf conf) implements VideoTask {

    @Override
    public Outcome run(VideoFile file) {
        if (file.unreadable() != null) {
            return new Outcome.Failed(file, file.unreadable());
        }
        try (LocalFile local = LocalFile.of(file.path(), conf)) {
            try {
                long start = System.nanoTime();
                PlanJob.Result result = PlanJob.run(local.path(), options.planOptions(), PlanJob.Listener.QUIET);
                double millis = (System.nanoTime() - start) / 1e6;
                return new Outcome.Compressed(file, result, tokenFile(result), millis);
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

    /** The bytes {@code glimpse plan} writes as tokens.safetensors for the same video. */
    private static byte[] tokenFile(PlanJob.Result r) throws IOException {
        Path tmp = Files.createTempFile("glimpse-tokens-", ".safetensors");
        try {
            TokenFile.write(r.delivered(), tmp, PlanOutputs.tokenMetadata(r));
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
