package io.glimpse.image;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** PNG encoding and decoding of RgbImage through the JDK's ImageIO (lossless, readable by every tool). */
public final class Png {
    private Png() {
    }

    public static byte[] encode(RgbImage img) {
        BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        byte[] src = img.rgb();
        for (int i = 0; i < src.length; i += 3) {
            dst[i] = src[i + 2];
            dst[i + 1] = src[i + 1];
            dst[i + 2] = src[i];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(src.length / 2 + 1024);
        try {
            if (!ImageIO.write(bi, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Decodes a PNG (or any format ImageIO reads) into RGB; alpha is dropped, as PIL's convert("RGB") does. */
    public static RgbImage read(java.nio.file.Path file) throws IOException {
        BufferedImage bi = ImageIO.read(file.toFile());
        if (bi == null) {
            throw new io.glimpse.io.BadInputException(file + ": not an image ImageIO can read");
        }
        byte[] rgb = new byte[bi.getWidth() * bi.getHeight() * 3];
        for (int y = 0; y < bi.getHeight(); y++) {
            for (int x = 0; x < bi.getWidth(); x++) {
                int p = bi.getRGB(x, y);
                int i = (y * bi.getWidth() + x) * 3;
                rgb[i] = (byte) (p >> 16);
                rgb[i + 1] = (byte) (p >> 8);
                rgb[i + 2] = (byte) p;
            }
        }
        return new RgbImage(bi.getWidth(), bi.getHeight(), rgb, 0);
    }
}
