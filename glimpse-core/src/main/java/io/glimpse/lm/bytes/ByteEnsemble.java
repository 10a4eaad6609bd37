package io.glimpse.lm.bytes;

import java.util.List;

/**
 * Models with different vocabularies combined on their common alphabet, bytes (the paper's second use, the
 * reference's {@code byte_ensemble_model.py}): the next-byte distribution is the mean of the members'
 * distributions, and the chosen byte is appended to every member.
 */
public final class ByteEnsemble {
    private final List<ByteModel> members;

    public ByteEnsemble(List<ByteModel> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs a member");
        }
        this.members = List.copyOf(members);
    }

    /** The mean of the members' next-symbol distributions. */
    public double[] next() {
        double[] mean = new double[ByteModel.SYMBOLS];
        for (ByteModel m : members) {
            double[] p = m.next();
            for (int i = 0; i < mean.length; i++) {
                mean[i] += p[i] / members.size();
            }
        }
        return mean;
    }

    public void append(int b) {
        members.forEach(m -> m.append(b));
    }
}
