package io.glimpse.io;

import java.lang.foreign.MemorySegment;

/**
 * One tensor of a GGUF file: its ggml type, its dims in ggml order ({@code dims[0]} the contiguous axis, so a PyTorch
 * [out, in] weight has dims [in, out]) and its bytes, a view into the mapped file.
 */
public record GgufTensor(String name, GgmlType type, long[] dims, MemorySegment data) {

    public GgufTensor {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** The shape in PyTorch (row-major, outermost first) order. */
    public long[] shape() {
        long[] s = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            s[i] = dims[dims.length - 1 - i];
        }
        return s;
    }

    public long elements() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }
}
