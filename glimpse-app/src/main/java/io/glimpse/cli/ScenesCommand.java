package io.glimpse.cli;

import io.glimpse.io.AtomicFiles;
import io.glimpse.io.BadInputException;
import io.glimpse.job.SceneOutputs;
import io.glimpse.job.ScenesJob;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code glimpse scenes VIDEO}: scene detection on its own, with the outputs PySceneDetect users expect. */
@Command(name = "scenes", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find the scenes of a video with the detector glimpse plan uses, cut times on the exact frame.",
                "Prints one line per scene; --stats, --list and --edl write new files (existing files are refused),"
                        + " --images N writes N frames per scene into --out."})
public final class ScenesCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "VIDEO", description = "Video file (anything FFmpeg decodes).")
    Path video;

    @Option(names = "--fps", paramLabel = "F", description = "Samples per second; cuts between samples are moved to "
            + "their exact frame (default: 4).")
    Double fps;

    @Option(names = "--every-frame", description = "Look at every frame instead of sampling.")
    boolean everyFrame;

    @Option(names = "--threshold", paramLabel = "T", description = "Share of patches that must change for a cut "
            + "(content, adaptive; default: 0.3).")
    Double threshold;

    @Option(names = "--method", defaultValue = "content", paramLabel = "M", description = "content (the planner's "
            + "detector), adaptive (cuts must also stand out from their neighbours) or tdc (TDC on frame descriptors); "
            + "default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--cuts", paramLabel = "K", description = "With --method tdc: find the K most dissimilar transitions "
            + "(TDC's top-K mode) instead of cuts above its adaptive threshold.")
    Integer cuts;

    @Option(names = "--stats", paramLabel = "FILE", description = "Per-sample CSV: the patch change score, brightness, "
            + "contrast and blankness.")
    Path stats;

    @Option(names = "--list", paramLabel = "FILE", description = "Scene list CSV as PySceneDetect's list-scenes writes it.")
    Path list;

    @Option(names = "--edl", paramLabel = "FILE", description = "CMX 3600 edit decision list, one event per scene.")
    Path edl;

    @Option(names = "--images", defaultValue = "0", paramLabel = "N", description = "Representative frames per scene "
            + "(never a blank one while the scene has better), written as PNG into --out.")
    int images;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Folder for --images (new, empty, or an "
            + "earlier output of this command).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final double DEFAULT_FPS = 4;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (everyFrame && fps != null) {
            throw new CommandLine.ParameterException(cl, "--fps and --every-frame exclude each other");
        }
        if (images > 0 && out == null) {
            throw new CommandLine.ParameterException(cl, "--images needs --out DIR for the PNG files");
        }
        ScenesJob.Options options = new ScenesJob.Options(everyFrame ? null : fps == null ? DEFAULT_FPS : fps,
                threshold, ScenesJob.Method.parse(method), images, cuts);
        List<Path> files = new ArrayList<>();
        for (Path p : new Path[] {stats, list, edl}) {
            if (p != null) {
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new BadInputException(p + ": exists; glimpse scenes writes only new files, name another");
                }
                if (files.stream().anyMatch(q -> q.toAbsolutePath().normalize().equals(p.toAbsolutePath().normalize()))) {
                    throw new BadInputException(p + ": named for two outputs");
                }
                files.add(p);
            }
        }
        OutputDir dir = images > 0 ? OutputDir.stage(out, SceneOutputs::isImageName) : null;
        ScenesJob.Result result;
        try {
            result = ScenesJob.run(video, options);
            if (dir != null) {
                dir.fill(staging -> SceneOutputs.writeImages(result, staging));
            }
            if (stats != null) {
                AtomicFiles.writeString(stats, SceneOutputs.statsCsv(result));
            }
            if (list != null) {
                AtomicFiles.writeString(list, SceneOutputs.listCsv(result));
            }
            if (edl != null) {
                AtomicFiles.writeString(edl, SceneOutputs.edl(result, video.getFileName().toString()));
            }
            if (dir != null) {
                dir.commit();
            }
        } finally {
            if (dir != null) {
                dir.close();
            }
        }
        for (String w : result.warnings()) {
            cl.getErr().println("glimpse: warning: " + w);
        }
        for (ScenesJob.Scene s : result.scenes()) {
            cl.getOut().printf(Locale.ROOT, "scene %d: %s - %s (frames %d-%d)%n", s.number(),
                    ScenesJob.timecode(s.start()), ScenesJob.timecode(s.end()), s.startFrame(), s.endFrame() - 1);
        }
        return GlimpseCli.OK;
    }
}
