package io.glimpse.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reader of the protobuf wire format (protobuf.dev, "Encoding"): a message is a run of fields, each a varint key
 * (field number, wire type) and a value. Only what SentencePiece's model file needs is read: varints, 32-bit
 * values, and length-delimited bytes, strings and sub-messages; other fields are skipped.
 */
public final class ProtoReader {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH = 2;
    private static final int FIXED32 = 5;

    private final String source;
    private final byte[] data;
    private final int end;
    private int pos;
    private int field;
    private int wire;

    public ProtoReader(String source, byte[] data) {
        this(source, data, 0, data.length);
    }

    private ProtoReader(String source, byte[] data, int from, int to) {
        this.source = source;
        this.data = data;
        this.pos = from;
        this.end = to;
    }

    /** Moves to the next field; false at the end of the message. */
    public boolean next() {
        if (pos >= end) {
            return false;
        }
        long key = varint();
        field = (int) (key >>> 3);
        wire = (int) (key & 7);
        return true;
    }

    public int field() {
        return field;
    }

    public long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = take(1)[0];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw malformed("a varint longer than 10 bytes");
    }

    public float float32() {
        expect(FIXED32);
        byte[] b = take(4);
        return Float.intBitsToFloat((b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24);
    }

    public byte[] bytes() {
        expect(LENGTH);
        return take(length());
    }

    public String string() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /** The current field as a message of its own. */
    public ProtoReader message() {
        expect(LENGTH);
        int n = length();
        ProtoReader sub = new ProtoReader(source, data, pos, pos + n);
        pos += n;
        return sub;
    }

    public void skip() {
        switch (wire) {
            case VARINT -> varint();
            case FIXED64 -> take(8);
            case LENGTH -> take(length());
            case FIXED32 -> take(4);
            default -> throw malformed("wire type " + wire + " of field " + field);
        }
    }

    private int length() {
        long n = varint();
        if (n < 0 || n > end - pos) {
            throw malformed("field " + field + " is " + n + " bytes long, " + (end - pos) + " remain");
        }
        return (int) n;
    }

    private void expect(int type) {
        if (wire != type) {
            throw malformed("field " + field + " has wire type " + wire + ", expected " + type);
        }
    }

    private byte[] take(int n) {
        if (n > end - pos) {
            throw malformed("truncated at byte " + pos);
        }
        byte[] out = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return out;
    }

    private BadInputException malformed(String problem) {
        return new BadInputException(source + ": not a protobuf message (" + problem + ")");
    }
}
