package io.glimpse.spark;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/**
 * A corpus file as a local path for FFmpeg: the file itself on a local filesystem, else a copy (HDFS, S3) in a
 * {@link TempFolder} that {@link #close} removes.
 */
final class LocalFile implements AutoCloseable {
    private final java.nio.file.Path path;
    private final TempFolder copy;

    private LocalFile(java.nio.file.Path path, TempFolder copy) {
        this.path = path;
        this.copy = copy;
    }

    static LocalFile of(String file, HadoopConf conf) throws IOException {
        Path p = new Path(file);
        FileSystem fs = p.getFileSystem(conf.get());
        if (fs instanceof LocalFileSystem local) {
            return new LocalFile(local.pathToFile(p).toPath(), null);
        }
        // The copy keeps the file's name: FFmpeg guesses some containers by extension, and the token file names it.
        TempFolder dir = TempFolder.create("glimpse-corpus-copy");
        java.nio.file.Path tmp = dir.path().resolve(p.getName());
        try {
            fs.copyToLocalFile(false, p, new Path(tmp.toUri()), true);
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
        return new LocalFile(tmp, dir);
    }

    java.nio.file.Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (copy != null) {
            copy.close();
        }
    }
}
