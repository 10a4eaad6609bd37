package io.glimpse.spark;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.file.Files;

/**
 * A corpus file as a local path for FFmpeg: the file itself on a local filesystem, else a temporary copy (HDFS, S3)
 * that {@link #close} deletes with its folder.
 */
final class LocalFile implements AutoCloseable {
    private final java.nio.file.Path path;
    private final boolean copy;

    private LocalFile(java.nio.file.Path path, boolean copy) {
        this.path = path;
        this.copy = copy;
    }

    static LocalFile of(String file, HadoopConf conf) throws IOException {
        Path p = new Path(file);
        FileSystem fs = p.getFileSystem(conf.get());
        if (fs instanceof LocalFileSystem local) {
            return new LocalFile(local.pathToFile(p).toPath(), false);
        }
        // The copy keeps the file's name: FFmpeg guesses some containers by extension, and the token file names it.
        java.nio.file.Path dir = Files.createTempDirectory("glimpse-corpus-");
        java.nio.file.Path tmp = dir.resolve(p.getName());
        try {
            fs.copyToLocalFile(false, p, new Path(tmp.toUri()), true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            Files.delete(dir);
            throw e;
        }
        return new LocalFile(tmp, true);
    }

    java.nio.file.Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (copy) {
            Files.deleteIfExists(path);
            Files.delete(path.getParent());
        }
    }
}
