package io.glimpse.bench.run;

import io.glimpse.job.FrameReader;
import io.glimpse.job.PlanJob;
import io.glimpse.job.SampleVideo;
import io.glimpse.media.Sampling;
import io.glimpse.plan.CostModels;
import io.glimpse.plan.PlanMethod;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What planning costs on top of reading the video at all, on a long generated video: decoding alone at the plan's
 * sampling (the reference), decode + describe + plan (the sampling pass, the planner and the exact cuts:
 * {@link PlanJob#plan}), and the whole job (the chosen frames decoded again and encoded, {@link PlanJob#run}),
 * with each one's ratio to the reference.
 */
public final class PlanBench {
    /** The goal for decode + describe + plan over decoding alone. */
    public static final double GOAL = 1.5;

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
        PlanJob.Planned[] planned = {null};
        PlanJob.Result[] whole = {null};
        Timing decode = null;
        Timing plan = null;
        Timing job = null;
        for (int i = 0; i < o.repeat(); i++) {
            decode = Timing.of(() -> frames[0] = reader.each(video, Sampling.fps(o.fps()), f -> { })).min(decode);
            plan = Timing.of(() -> planned[0] = plan(video, options)).min(plan);
            job = Timing.of(() -> whole[0] = run(video, options)).min(job);
        }
        out.printf(Locale.ROOT, "video: %s, %dx%d, %.1f min, %d frames sampled at %.2f fps%n", video.getFileName(),
                width, o.height(), o.minutes(), frames[0], o.fps());
        out.printf(Locale.ROOT, "decode only (reference)          : %8.2f s  (cpu %8.2f s)%n", decode.wall(), decode.cpu());
        out.printf(Locale.ROOT, "decode + describe + plan         : %8.2f s  (cpu %8.2f s)  %d candidates, %d cuts%n",
                plan.wall(), plan.cpu(), planned[0].candidates(), planned[0].plan().cuts().size());
        out.printf(Locale.ROOT, "whole job (+ chosen frames, enc.): %8.2f s  (cpu %8.2f s)  %d frames chosen, %d tokens%n",
                job.wall(), job.cpu(), whole[0].plan().frames().size(), whole[0].plan().totalCost());
        out.printf(Locale.ROOT, "ratio plan/decode                : %8.2f  (cpu %s; goal <= %.1f)%n",
                plan.wall() / decode.wall(), plan.cpuRatio(decode), GOAL);
        out.printf(Locale.ROOT, "ratio whole job/decode           : %8.2f  (cpu %s)%n",
                job.wall() / decode.wall(), job.cpuRatio(decode));
    }

    /** The planning passes; the options have no query, whose checkpoint is the only file read besides the video. */
    private static PlanJob.Planned plan(Path video, PlanJob.Options options) {
        try {
            return PlanJob.plan(video, options, CostModels.forName(options.target()), PlanJob.Listener.QUIET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PlanJob.Result run(Path video, PlanJob.Options options) {
        try {
            return PlanJob.run(video, options, PlanJob.Listener.QUIET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
