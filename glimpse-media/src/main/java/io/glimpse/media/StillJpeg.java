package io.glimpse.media;

import io.glimpse.image.RgbImage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A still JPEG decoded the way Pillow decodes it: javax.imageio's JPEG reader is IJG libjpeg, run with libjpeg's
 * defaults (islow integer IDCT, "fancy" triangular chroma upsampling, its YCbCr-to-RGB tables), which are also
 * Pillow's defaults over libjpeg-turbo. FFmpeg's MJPEG decoder and swscale upsample chroma otherwise and differ from
 * Pillow by tens of levels at colour edges of 4:2:0 pictures, while the reference image processors run on PIL images.
 */
final class StillJpeg {
    private StillJpeg() {
    }

    /** The pixels of {@code file}, or null where javax.imageio cannot read it (CMYK, arithmetic coding, 12-bit). */
    static RgbImage decode(Path file) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (img == null) {
            return null;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] rgb = new byte[w * h * 3];
        switch (img.getType()) {
            case BufferedImage.TYPE_3BYTE_BGR -> {
                byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                for (int i = 0; i < w * h; i++) {
                    rgb[3 * i] = bgr[3 * i + 2];
                    rgb[3 * i + 1] = bgr[3 * i + 1];
                    rgb[3 * i + 2] = bgr[3 * i];
                }
            }
            // getRGB would treat the grey levels as linear light and re-encode them; PIL copies them to R, G and B.
            case BufferedImage.TYPE_BYTE_GRAY -> {
                byte[] grey = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                for (int i = 0; i < w * h; i++) {
                    rgb[3 * i] = grey[i];
                    rgb[3 * i + 1] = grey[i];
                    rgb[3 * i + 2] = grey[i];
                }
            }
            default -> {
                int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
                for (int i = 0; i < w * h; i++) {
                    rgb[3 * i] = (byte) (argb[i] >> 16);
                    rgb[3 * i + 1] = (byte) (argb[i] >> 8);
                    rgb[3 * i + 2] = (byte) argb[i];
                }
            }
        }
        return new RgbImage(w, h, rgb, 0);
    }
}
