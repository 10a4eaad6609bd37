package io.glimpse.media;

import io.glimpse.image.RgbImage;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts decoded pictures, in whatever pixel format the codec produced, to 8-bit RGB. Decoding happens in the
 * codec's native format and only the frames that are kept pay for this conversion, which costs about as much as
 * decoding itself. The frame's own colour matrix and range are honoured (BT.601 when it states none).
 */
final class RgbConverter implements AutoCloseable {
    private SwsContext context;
    private BytePointer target;
    private long targetSize;

    RgbImage convert(AVFrame picture, double timestamp) {
        return convert(picture, timestamp, picture.width(), picture.height());
    }

    /**
     * The picture converted and scaled to w×h in one swscale pass, averaging the source pixels each output pixel
     * covers (SWS_AREA) when it shrinks.
     */
    RgbImage convert(AVFrame picture, double timestamp, int w, int h) {
        int srcW = picture.width();
        int srcH = picture.height();
        int filter = w == srcW && h == srcH ? swscale.SWS_BILINEAR : swscale.SWS_AREA;
        context = swscale.sws_getCachedContext(context, srcW, srcH, picture.format(), w, h, avutil.AV_PIX_FMT_RGB24,
                filter | swscale.SWS_ACCURATE_RND | swscale.SWS_FULL_CHR_H_INT,
                null, null, (DoublePointer) null);
        if (context == null) {
            throw new IllegalStateException("FFmpeg cannot convert pixel format "
                    + avutil.av_get_pix_fmt_name(picture.format()).getString() + " to RGB");
        }
        int fullRange = picture.color_range() == avutil.AVCOL_RANGE_JPEG ? 1 : 0;
        swscale.sws_setColorspaceDetails(context, swscale.sws_getCoefficients(picture.colorspace()), fullRange,
                swscale.sws_getCoefficients(swscale.SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
        long size = 3L * w * h;
        if (size != targetSize) {
            if (target != null) {
                target.close();
            }
            target = new BytePointer(size);
            targetSize = size;
        }
        // An explicit one-element array: PointerPointer's single-Pointer constructor would alias target instead.
        try (PointerPointer<BytePointer> dst = new PointerPointer<BytePointer>(1).put(0, target);
             IntPointer dstStride = new IntPointer(new int[] {3 * w})) {
            swscale.sws_scale(context, picture.data(), picture.linesize(), 0, srcH, dst, dstStride);
        }
        byte[] rgb = new byte[(int) size];
        target.get(rgb);
        return new RgbImage(w, h, rgb, timestamp);
    }

    @Override
    public void close() {
        if (context != null) {
            swscale.sws_freeContext(context);
            context = null;
        }
        if (target != null) {
            target.close();
            target = null;
        }
    }
}
