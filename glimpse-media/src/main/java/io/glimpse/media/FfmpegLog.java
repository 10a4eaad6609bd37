package io.glimpse.media;

import org.bytedeco.ffmpeg.global.avutil;

/**
 * FFmpeg logs to stderr on its own (at INFO by default); Glimpse reports damage itself, once, so the library is
 * kept silent unless GLIMPSE_FFMPEG_LOG names a level (quiet, error, warning, info, debug).
 */
final class FfmpegLog {
    private FfmpegLog() {
    }

    private static volatile boolean configured;

    static void configure() {
        if (configured) {
            return;
        }
        synchronized (FfmpegLog.class) {
            if (!configured) {
                avutil.av_log_set_level(level(System.getenv("GLIMPSE_FFMPEG_LOG")));
                configured = true;
            }
        }
    }

    private static int level(String name) {
        if (name == null) {
            return avutil.AV_LOG_QUIET;
        }
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "error" -> avutil.AV_LOG_ERROR;
            case "warning" -> avutil.AV_LOG_WARNING;
            case "info" -> avutil.AV_LOG_INFO;
            case "debug" -> avutil.AV_LOG_DEBUG;
            default -> avutil.AV_LOG_QUIET;
        };
    }
}
