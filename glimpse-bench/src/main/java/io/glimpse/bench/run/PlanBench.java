package io.glimpse.bench.run;

import io.glimpse.job.FrameReader;
import io.glimpse.job.PlanJob;
import io.glimpse.job.SampleVideo;
import io.glimpse.media.Sampling;
import io.glimpse.plan.PlanMethod;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Decode + describe + plan + encode of a long generated video against decoding alone at the same sampling, and
 * their ratio: what planning costs on top of reading the video at all.
 */
public final class PlanBench {
    /**
     * @param height video height; the width is 16:9, rounded to even
     * @param cache  where the generated video is kept between runs
     */
    public record Options(double minutes, int height, int repeat, int budget, String target, double fps, Path cache) {
    }

    private PlanBench() {
    }

    public static void run(Options o, PrintWriter out) throws IOException {
        int width = (o.height() * 16 / 9 + 1) / 2 * 2;
        Path video = o.cache().resolve(String.format(Locale.ROOT, "bench-%.1fmin-%dp.mp4", o.minutes(), o.height()));
        SampleVideo.ensure(video, width, o.height(), o.minutes() * 60, 11, () -> {
            out.printf(Locale.ROOT, "generating %s (%dx%d, %.1f min)...%n", video, width, o.height(), o.minutes());
            out.flush();
        });
        PlanJob.Options options = new PlanJob.Options(o.budget(), o.target(), PlanMethod.CLIPS, o.fps(), null, null, null);
        FrameReader reader = new FrameReader(w -> { });
        int[] frames = {0};
        PlanJob.Result[] last = {null};
        Timing decode = null;
        Timing job = null;
        for (int i = 0; i < o.repeat(); i++) {
            decode = Timing.of(() -> frames[0] = reader.each(video, Sampling.fps(o.fps()), f -> { })).min(decode);
            job = Timing.of(() -> last[0] = plan(video, options)).min(job);
        }
        out.printf(Locale.ROOT, "video: %s, %dx%d, %.1f min, %d frames sampled at %.2f fps%n", video.getFileName(),
                width, o.height(), o.minutes(), frames[0], o.fps());
        out.printf(Locale.ROOT, "decode only (reference)          : %8.2f s%n", decode.wall());
        out.printf(Locale.ROOT, "decode + describe + plan + encode: %8.2f s  (%d frames chosen, %d tokens)%n",
                job.wall(), last[0].plan().frames().size(), last[0].plan().totalCost());
        out.printf(Locale.ROOT, "ratio plan/decode                : %8.2f%n", job.wall() / decode.wall());
    }

    /** The job; its options have no query, whose checkpoint is the only file it reads besides the video. */
    private static PlanJob.Result plan(Path video, PlanJob.Options options) {
        try {
            return PlanJob.run(video, options, PlanJob.Listener.QUIET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
