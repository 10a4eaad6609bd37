package io.glimpse.spark;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One file of the corpus and its content hash, the video id that makes reruns skip what is already in the table.
 *
 * @param path       fully qualified Hadoop path
 * @param id         SHA-256 of the bytes in hex, or null when the file could not be read
 * @param size       bytes
 * @param unreadable the error line when the file could not be read, else null
 */
public record VideoFile(String path, String id, long size, String unreadable) implements Serializable {

    /** Reads the whole file once; a read failure is recorded, not thrown, so it lands in the errors table. */
    public static VideoFile hash(String path, HadoopConf conf) {
        Path p = new Path(path);
        try {
            FileSystem fs = p.getFileSystem(conf.get());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long size = 0;
            try (FSDataInputStream in = fs.open(p)) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    sha.update(buf, 0, n);
                    size += n;
                }
            }
            return new VideoFile(path, HexFormat.of().formatHex(sha.digest()), size, null);
        } catch (IOException e) {
            return new VideoFile(path, null, 0, path + ": cannot be read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
