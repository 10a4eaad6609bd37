package io.glimpse.job;

import io.glimpse.image.Png;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/** The files {@code glimpse scenes} writes, formatted as PySceneDetect's commands write theirs. */
public final class SceneOutputs {
    private static final Pattern IMAGE_FILE = Pattern.compile("scene_\\d{3,}_\\d{2,}\\.png");

    private SceneOutputs() {
    }

    /** Per-sample statistics (PySceneDetect's --stats): the score each rule thresholds, and blankness. */
    public static String statsCsv(ScenesJob.Result r) {
        StringBuilder sb = new StringBuilder("Frame Number,Timecode,Time (seconds),patch_change,brightness,contrast,blank\n");
        double rate = rate(r);
        for (ScenesJob.Sample s : r.samples()) {
            sb.append(String.format(Locale.ROOT, "%d,%s,%.3f,%.4f,%.4f,%.4f,%s%n", Math.round(s.time() * rate) + 1,
                    ScenesJob.timecode(s.time()), s.time(), s.change(), s.brightness(), s.contrast(), s.blank()));
        }
        return sb.toString();
    }

    /** The scene list as PySceneDetect's list-scenes writes it: a timecode line, then one row per scene. */
    public static String listCsv(ScenesJob.Result r) {
        StringBuilder sb = new StringBuilder("Timecode List:");
        for (int i = 1; i < r.scenes().size(); i++) {
            sb.append(',').append(ScenesJob.timecode(r.scenes().get(i).start()));
        }
        sb.append("\nScene Number,Start Frame,Start Timecode,Start Time (seconds),End Frame,End Timecode,"
                + "End Time (seconds),Length (frames),Length (timecode),Length (seconds)\n");
        for (ScenesJob.Scene s : r.scenes()) {
            double length = s.end() - s.start();
            sb.append(String.format(Locale.ROOT, "%d,%d,%s,%.3f,%d,%s,%.3f,%d,%s,%.3f%n", s.number(),
                    s.startFrame() + 1, ScenesJob.timecode(s.start()), s.start(), s.endFrame(),
                    ScenesJob.timecode(s.end()), s.end(), s.endFrame() - s.startFrame(), ScenesJob.timecode(length),
                    length));
        }
        return sb.toString();
    }

    /** A CMX 3600 edit decision list with one event per scene, timecodes HH:MM:SS:FF at the video's rate. */
    public static String edl(ScenesJob.Result r, String title) {
        StringBuilder sb = new StringBuilder("TITLE: " + title + "\nFCM: NON-DROP FRAME\n\n");
        long fps = Math.max(1, Math.round(rate(r)));
        for (ScenesJob.Scene s : r.scenes()) {
            String in = frames(s.startFrame(), fps);
            String out = frames(s.endFrame(), fps);
            sb.append(String.format(Locale.ROOT, "%03d  AX       V     C        %s %s %s %s%n", s.number(), in, out, in,
                    out));
        }
        return sb.toString();
    }

    /** Whether a file name in an images folder is one {@link #writeImages} writes. */
    public static boolean isImageName(String name) {
        return IMAGE_FILE.matcher(name).matches();
    }

    /** Writes each scene's representative frames as scene_SSS_KK.png into dir. */
    public static void writeImages(ScenesJob.Result r, Path dir) throws IOException {
        for (ScenesJob.Scene s : r.scenes()) {
            for (int k = 0; k < s.images().size(); k++) {
                Files.write(dir.resolve(String.format(Locale.ROOT, "scene_%03d_%02d.png", s.number(), k + 1)),
                        Png.encode(s.images().get(k)));
            }
        }
    }

    private static String frames(long frame, long fps) {
        long seconds = frame / fps;
        return String.format(Locale.ROOT, "%02d:%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60,
                frame % fps);
    }

    private static double rate(ScenesJob.Result r) {
        return r.video().fps() > 0 ? r.video().fps() : 1 / r.video().frameDuration();
    }
}
