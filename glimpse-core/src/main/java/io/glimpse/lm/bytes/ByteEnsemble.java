package io.glimpse.lm.bytes;

import java.util.List;

/**
 * Models with different vocabularies combined on their common alphabet, bytes (the paper's second use, the
 * reference's {@code byte_ensemble_model.py}): the next-byte distribution is the mean of the members'
 * distributions, and the chosen byte is appended to every member. A member that gives the chosen byte no
 * probability (a normaliser such as NFC rules out what another vocabulary can spell) has no covers left and
 * drops out of the mean.
 */
public final class ByteEnsemble {
    private final List<ByteModel> members;

    public ByteEnsemble(List<ByteModel> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs a member");
        }
        this.members = List.copyOf(members);
    }

    /** The mean of the next-symbol distributions of the members that can still spell the text. */
    public double[] next() {
        List<ByteModel> alive = members.stream().filter(m -> m.covers() > 0).toList();
        if (alive.isEmpty()) {
            throw new IllegalStateException("no member can spell the text so far");
        }
        double[] mean = new double[ByteModel.SYMBOLS];
        for (ByteModel m : alive) {
            double[] p = m.next();
            for (int i = 0; i < mean.length; i++) {
                mean[i] += p[i] / alive.size();
            }
        }
        return mean;
    }

    public void append(int b) {
        members.forEach(m -> m.append(b));
    }
}
