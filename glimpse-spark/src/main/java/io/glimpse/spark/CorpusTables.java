package io.glimpse.spark;

import io.glimpse.job.PlanJob;
import io.glimpse.plan.Plan;
import io.glimpse.plan.PlannedFrame;
import io.glimpse.reduce.StageReport;
import io.glimpse.tokens.TokenSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.util.Arrays;
import java.util.List;

/**
 * The two Parquet datasets of a corpus table and how an {@link Outcome} becomes a row of one of them. Both are
 * partitioned by {@link #RUN}, the UTC start of the run that appended the row, so each run's files sit in their own
 * folder. README.md ("corpus") documents the columns.
 */
public final class CorpusTables {
    public static final String VIDEOS = "videos";
    public static final String ERRORS = "errors";
    public static final String RUN = "run";

    private static final StructType FRAME = struct(
            field("source", DataTypes.IntegerType), field("timestamp", DataTypes.DoubleType),
            field("scene", DataTypes.IntegerType), field("clip", DataTypes.IntegerType),
            field("width", DataTypes.IntegerType), field("height", DataTypes.IntegerType),
            field("cost", DataTypes.IntegerType));

    private static final StructType PLAN = struct(
            field("method", DataTypes.StringType), field("target", DataTypes.StringType),
            field("budget", DataTypes.IntegerType), field("total_cost", DataTypes.IntegerType),
            field("fps", DataTypes.DoubleType), field("candidates", DataTypes.IntegerType),
            field("cuts", array(DataTypes.DoubleType)), field("frames", array(FRAME)));

    private static final StructType STAGE = struct(
            field("stage", DataTypes.StringType), field("tokens_in", DataTypes.IntegerType),
            field("tokens_out", DataTypes.IntegerType), field("millis", DataTypes.DoubleType));

    private static final StructType STATS = struct(
            field("tokens_encoded", DataTypes.IntegerType), field("tokens_delivered", DataTypes.IntegerType),
            field("stages", array(STAGE)), field("millis", DataTypes.DoubleType));

    /** One row per video; {@code tokens} holds the token-file bytes, the arrays beside it their provenance. */
    public static final StructType VIDEO = struct(
            field("video_id", DataTypes.StringType), field("path", DataTypes.StringType),
            field("size", DataTypes.LongType), field("duration", DataTypes.DoubleType),
            field("width", DataTypes.IntegerType), field("height", DataTypes.IntegerType),
            field("plan", PLAN), field("tokens", DataTypes.BinaryType),
            field("token_dim", DataTypes.IntegerType), field("token_frame", array(DataTypes.IntegerType)),
            field("token_row", array(DataTypes.IntegerType)), field("token_col", array(DataTypes.IntegerType)),
            field("token_size", array(DataTypes.IntegerType)), field("origin", array(DataTypes.IntegerType)),
            field("stats", STATS), field("warnings", array(DataTypes.StringType)));

    /** One row per file that could not be compressed; {@code video_id} is null when the file could not be read. */
    public static final StructType ERROR = struct(
            field("video_id", DataTypes.StringType), field("path", DataTypes.StringType),
            field("error", DataTypes.StringType));

    /** What a task returns: exactly one of the two is set. */
    static final StructType OUTCOME = struct(field(VIDEOS, VIDEO), field(ERRORS, ERROR));

    private CorpusTables() {
    }

    /** A dataset's schema as stored, with its partition column. */
    public static StructType stored(StructType rows) {
        return rows.add(field(RUN, DataTypes.StringType));
    }

    static Row outcome(Outcome o) {
        return switch (o) {
            case Outcome.Compressed c -> RowFactory.create(video(c), null);
            case Outcome.Failed f -> RowFactory.create(null, RowFactory.create(f.file().id(), f.file().path(), f.error()));
        };
    }

    private static Row video(Outcome.Compressed c) {
        PlanJob.Result r = c.result();
        TokenSet t = r.delivered();
        return RowFactory.create(c.file().id(), c.file().path(), c.file().size(), r.video().durationSeconds(),
                r.video().width(), r.video().height(), plan(r.plan(), r.candidates()), c.tokenFile(), t.dim(),
                seq(t.tokenFrames()), seq(t.rows()), seq(t.cols()), seq(t.sizes()), seq(t.origin()),
                RowFactory.create(r.tokens().size(), t.size(), seq(r.reduction() == null ? List.<Row>of()
                        : r.reduction().stages().stream().map(CorpusTables::stage).toList()), c.millis()),
                seq(r.warnings()));
    }

    private static Row plan(Plan p, int candidates) {
        List<Row> frames = p.frames().stream().map(CorpusTables::frame).toList();
        return RowFactory.create(p.method(), p.target(), p.budget(), p.totalCost(), p.fps(), candidates, seq(p.cuts()),
                seq(frames));
    }

    private static Row frame(PlannedFrame f) {
        return RowFactory.create(f.source(), f.timestamp(), f.scene(), f.clip(), f.width(), f.height(), f.cost());
    }

    private static Row stage(StageReport s) {
        return RowFactory.create(s.stage(), s.tokensIn(), s.tokensOut(), s.nanos() / 1e6);
    }

    /** Rows hold arrays as Scala sequences. */
    private static <T> Seq<T> seq(List<T> values) {
        return CollectionConverters.asScala(values).toList();
    }

    private static Seq<Integer> seq(int[] values) {
        return seq(Arrays.stream(values).boxed().toList());
    }

    private static StructType struct(StructField... fields) {
        return DataTypes.createStructType(fields);
    }

    private static StructField field(String name, DataType type) {
        return DataTypes.createStructField(name, type, true);
    }

    private static ArrayType array(DataType element) {
        return DataTypes.createArrayType(element, false);
    }
}
