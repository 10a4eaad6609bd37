package io.glimpse.cli;

import io.glimpse.image.RgbImage;
import io.glimpse.job.PlanJob;
import io.glimpse.media.FrameSize;
import io.glimpse.media.Sampling;
import io.glimpse.media.SyntheticVideo;
import io.glimpse.media.VideoSource;
import io.glimpse.plan.PlanMethod;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

/** {@code glimpse bench}: measurements that compare against a reference taken in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks with an in-run reference.",
        subcommands = {BenchCommand.Plan.class, BenchEncodeCommand.class, BenchAskCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Decode + describe + plan + encode of a long 720p video against decoding alone at the same sampling, best of
     * several repeats each, and their ratio.
     */
    @Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Time the plan job on a generated video against decode-only time at the same sampling.")
    static final class Plan implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--minutes", defaultValue = "10", description = "Video length (default: ${DEFAULT-VALUE}).")
        double minutes;

        @Option(names = "--height", defaultValue = "720", description = "Video height; width is 16:9 (default: ${DEFAULT-VALUE}).")
        int height;

        @Option(names = "--repeat", defaultValue = "3", description = "Runs of each measurement; the best counts (default: ${DEFAULT-VALUE}).")
        int repeat;

        @Option(names = "--budget", defaultValue = "8000", description = "Plan budget (default: ${DEFAULT-VALUE}).")
        int budget;

        @Option(names = "--target", defaultValue = "llava-onevision", description = "Plan target (default: ${DEFAULT-VALUE}).")
        String target;

        @Option(names = "--fps", defaultValue = "1", description = "Sampling rate (default: ${DEFAULT-VALUE}).")
        double fps;

        @Option(names = "--cache", defaultValue = "${sys:java.io.tmpdir}/glimpse-bench",
                description = "Where the generated video is kept between runs (default: ${DEFAULT-VALUE}).")
        Path cache;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (repeat < 1 || minutes <= 0 || height < 16 || height % 2 != 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "need --repeat ≥ 1, --minutes > 0, an even --height ≥ 16");
            }
            PrintWriter out = spec.commandLine().getOut();
            int width = (height * 16 / 9 + 1) / 2 * 2;
            Path video = cache.resolve(String.format(Locale.ROOT, "bench-%.1fmin-%dp.mp4", minutes, height));
            if (!Files.isRegularFile(video)) {
                out.printf(Locale.ROOT, "generating %s (%dx%d, %.1f min)...%n", video, width, height, minutes);
                out.flush();
                Files.createDirectories(cache);
                Path tmp = cache.resolve(".partial-" + video.getFileName());
                new SyntheticVideo(SyntheticVideo.Spec.varied(width, height, 25, minutes * 60, 11)).write(tmp);
                Files.move(tmp, video, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            PlanJob.Options options = new PlanJob.Options(budget, target, PlanMethod.CLIPS, fps, null, null, null);
            PlanJob.Listener quiet = new PlanJob.Listener() {
                @Override
                public void total(long frames) {
                }

                @Override
                public void done(long frames) {
                }
            };
            long bestDecode = Long.MAX_VALUE;
            long bestJob = Long.MAX_VALUE;
            int frames = 0;
            PlanJob.Result last = null;
            for (int i = 0; i < repeat; i++) {
                long t0 = System.nanoTime();
                frames = decodeOnly(video, fps);
                bestDecode = Math.min(bestDecode, System.nanoTime() - t0);
                long t1 = System.nanoTime();
                last = PlanJob.run(video, options, quiet);
                bestJob = Math.min(bestJob, System.nanoTime() - t1);
            }
            out.printf(Locale.ROOT, "video: %s, %dx%d, %.1f min, %d frames sampled at %.2f fps%n", video.getFileName(),
                    width, height, minutes, frames, fps);
            out.printf(Locale.ROOT, "decode only (reference)          : %8.2f s%n", bestDecode / 1e9);
            out.printf(Locale.ROOT, "decode + describe + plan + encode: %8.2f s  (%d frames chosen, %d tokens)%n",
                    bestJob / 1e9, last.plan().frames().size(), last.plan().totalCost());
            out.printf(Locale.ROOT, "ratio plan/decode                : %8.2f%n", bestJob / (double) bestDecode);
            return GlimpseCli.OK;
        }

        private static int decodeOnly(Path video, double fps) {
            int n = 0;
            try (VideoSource src = VideoSource.open(video)) {
                Iterator<RgbImage> it = src.frames(Sampling.fps(fps), FrameSize.original());
                while (it.hasNext()) {
                    it.next();
                    n++;
                }
            }
            return n;
        }
    }
}
