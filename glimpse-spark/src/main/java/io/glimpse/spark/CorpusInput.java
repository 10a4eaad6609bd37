package io.glimpse.spark;

import io.glimpse.io.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The videos of a corpus, as fully qualified Hadoop paths in sorted order: every file under a directory (recursively,
 * hidden and {@code _}-prefixed names skipped, as Hadoop's own inputs do), or the lines of a list file (blank lines
 * and {@code #} comments skipped, relative paths taken from the list's folder).
 */
public final class CorpusInput {
    private CorpusInput() {
    }

    public static List<String> list(String in, Configuration conf) throws IOException {
        Path root = new Path(in);
        FileSystem fs = root.getFileSystem(conf);
        FileStatus status;
        try {
            status = fs.getFileStatus(root);
        } catch (FileNotFoundException e) {
            throw new BadInputException(in + ": no such directory or list file");
        }
        List<String> out = new ArrayList<>();
        if (status.isDirectory()) {
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(status.getPath(), true);
            while (it.hasNext()) {
                Path p = it.next().getPath();
                if (!hidden(p, status.getPath())) {
                    out.add(p.toString());
                }
            }
        } else {
            Path folder = status.getPath().getParent();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(root), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String s = line.strip();
                    if (!s.isEmpty() && !s.startsWith("#")) {
                        Path p = new Path(s);
                        out.add((p.isAbsolute() || p.toUri().getScheme() != null ? p : new Path(folder, p))
                                .makeQualified(fs.getUri(), fs.getWorkingDirectory()).toString());
                    }
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Whether any path element below the root starts with '.' or '_' (editor backups, Spark's _temporary). */
    private static boolean hidden(Path p, Path root) {
        for (Path q = p; q != null && !q.equals(root); q = q.getParent()) {
            if (q.getName().startsWith(".") || q.getName().startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
