package io.glimpse.server;

import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.Sampler;
import io.glimpse.tensor.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decodes every active generation together: one {@link DecoderModel#stepAll} per step runs a token of each sequence,
 * so each weight read (what bounds decode speed) serves them all, a GEMM with m = active sequences instead of m
 * GEMVs. A sequence arrives with its prompt still to prefill; before each step the scheduler prefills every sequence
 * waiting (and those that arrive meanwhile), so requests that come together start decoding at the same step instead
 * of each joining one prefill later than the last, which left most steps short of the full batch. A sequence leaves
 * at a stop token, at its token limit or when cancelled, always between steps; a cancel takes effect before the next
 * one (and before its prefill, if that has not run). Tokens are chosen as {@code lm.Generation} chooses them (the
 * last one is not run, so the cache ends one token short of the output) and go to the sequence's queue, which the
 * request's own thread drains to its client. The scheduler runs a few tokens ahead of that thread at most
 * ({@link #AHEAD} in the server): a sequence whose thread has not taken them sits out the steps until it has, so a
 * slow client never holds up the others, and a client that left costs a step or two after its request notices,
 * however far behind that request had fallen.
 *
 * <p>Prefills run one after another: each is already a GEMM over the prompt's rows, so fusing several into one
 * forward would save few weight reads, and {@link DecoderModel#forward} takes one cache.
 *
 * <p>One thread ({@code glimpse-decode}) runs the prefills and the steps, inside the engine's {@link Parallel} pool.
 */
final class DecodeScheduler implements AutoCloseable {
    /** What {@link Sequence#take} returns once the sequence is over. */
    static final int END = -1;

    /** The server's bound on the tokens a sequence may have chosen and not yet taken before it sits out steps. */
    static final int AHEAD = 2;

    private final DecoderModel model;
    private final Parallel parallel;
    private final int vocabLimit;
    private final int[] stopIds;
    private final int ahead;
    private final Thread thread;
    private final List<Sequence> joining = new ArrayList<>();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private boolean closed;

    /**
     * A scheduler for {@code model}'s sequences, choosing ids below {@code vocabLimit} and ending at {@code stopIds};
     * it steps once {@link #start}ed. A sequence with {@code ahead} tokens not yet taken sits out steps.
     */
    DecodeScheduler(DecoderModel model, Parallel parallel, int vocabLimit, int[] stopIds, int ahead) {
        if (ahead < 1) {
            throw new IllegalArgumentException("a sequence may run at least one token ahead, got " + ahead);
        }
        this.ahead = ahead;
        this.model = model;
        this.parallel = parallel;
        this.vocabLimit = vocabLimit;
        this.stopIds = stopIds.clone();
        this.thread = Thread.ofPlatform().name("glimpse-decode").daemon().unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    /** Decode steps run so far. */
    long steps() {
        return steps.get();
    }

    /** Sequence rows those steps ran (rows / steps is the mean batch). */
    long rows() {
        return rows.get();
    }

    /**
     * A prefilled prompt: {@code logits} are its last row's, {@code cache} holds it and has room for the sequence's
     * tokens.
     */
    record Prompt(KvCache cache, float[] logits) {
    }

    /** One generation in the scheduler's hands until {@link #await} returns. */
    static final class Sequence {
        private final Callable<Prompt> prefill;
        private final int ahead;
        private final Runnable taken;
        private final Sampler sampler;
        private final int maxTokens;
        private final int[] tokens;
        private final BlockingQueue<Integer> out = new LinkedBlockingQueue<>();
        private final CountDownLatch done = new CountDownLatch(1);
        private KvCache cache;
        private float[] logits;
        private int count;
        private volatile boolean cancelled;
        private volatile boolean stopped;
        private volatile RuntimeException failure;

        private Sequence(Callable<Prompt> prefill, int maxTokens, Sampler sampler, int ahead, Runnable taken) {
            this.prefill = prefill;
            this.ahead = ahead;
            this.taken = taken;
            this.maxTokens = maxTokens;
            this.sampler = sampler;
            this.tokens = new int[maxTokens];
        }

        /**
         * The next generated token, waiting for it, or {@link #END} once the sequence is over.
         *
         * @throws RuntimeException what failed the step, when one did
         */
        int take() throws InterruptedException {
            int t = out.take();
            taken.run();
            if (t == END && failure != null) {
                throw failure;
            }
            return t;
        }

        /** Asks the scheduler to let go of the sequence before its next step, or its prefill if that is still to run. */
        void cancel() {
            cancelled = true;
            taken.run();
        }

        /** Whether it goes on to a step now: it is cancelled (and leaves) or its thread has kept up. */
        private boolean ready() {
            return cancelled || out.size() < ahead;
        }

        /** Waits until the scheduler has let go of the sequence; its cache is then the caller's again. */
        void await() throws InterruptedException {
            done.await();
        }

        /** Whether a stop token ended it. */
        boolean stopped() {
            return stopped;
        }

        /** Every token chosen, the stop token left out; those the cache holds come first (after {@link #await}). */
        int[] tokens() {
            return Arrays.copyOf(tokens, count);
        }

        private void finish(RuntimeException failure) {
            this.failure = failure;
            out.add(END);
            done.countDown();
        }
    }

    /**
     * Hands a sequence to the scheduler, which runs {@code prefill} on its own thread before the next step; what it
     * throws fails the sequence ({@link Sequence#take}).
     */
    Sequence submit(Callable<Prompt> prefill, int maxTokens, Sampler sampler) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("a sequence decodes at least one token, got " + maxTokens);
        }
        Sequence s = new Sequence(prefill, maxTokens, sampler, ahead, this::wake);
        synchronized (joining) {
            if (closed) {
                throw new IllegalStateException("the decode scheduler is closed");
            }
            joining.add(s);
            joining.notifyAll();
        }
        return s;
    }

    private void loop() {
        List<Sequence> active = new ArrayList<>();
        while (true) {
            List<Sequence> arrived;
            synchronized (joining) {
                while (!closed && joining.isEmpty() && active.stream().noneMatch(Sequence::ready)) {
                    try {
                        joining.wait();
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                }
                if (closed) {
                    active.addAll(joining);
                    joining.clear();
                    active.forEach(s -> s.finish(new IllegalStateException("the server is stopping")));
                    return;
                }
                arrived = takeJoining();
            }
            // Sequences that arrive during these prefills are prefilled too; admission bounds how many can.
            while (!arrived.isEmpty()) {
                for (Sequence s : arrived) {
                    if (prefill(s)) {
                        active.add(s);
                    }
                }
                synchronized (joining) {
                    arrived = takeJoining();
                }
            }
            List<Sequence> stepping = new ArrayList<>();
            List<Sequence> going = new ArrayList<>();
            for (Sequence s : active) {
                if (!s.ready()) {
                    going.add(s);
                } else if (choose(s)) {
                    stepping.add(s);
                    going.add(s);
                }
            }
            if (!stepping.isEmpty() && !step(stepping)) {
                going.removeAll(stepping);
            }
            active = going;
        }
    }

    /** Lets the loop see that a sequence's thread took a token or cancelled it. */
    private void wake() {
        synchronized (joining) {
            joining.notifyAll();
        }
    }

    private List<Sequence> takeJoining() {
        List<Sequence> taken = List.copyOf(joining);
        joining.clear();
        return taken;
    }

    /** Runs the sequence's prefill unless it was cancelled; true when it goes on to decode. */
    private boolean prefill(Sequence s) {
        if (s.cancelled) {
            s.finish(null);
            return false;
        }
        try {
            Prompt p = parallel.run(s.prefill);
            s.cache = p.cache();
            s.logits = p.logits();
            return true;
        } catch (Exception e) {
            s.finish(e instanceof RuntimeException r ? r : new IllegalStateException(e));
            return false;
        }
    }

    /** Chooses the sequence's next token from its logits; true when it goes on to a step. */
    private boolean choose(Sequence s) {
        if (s.cancelled) {
            s.finish(null);
            return false;
        }
        int t = s.sampler.next(s.logits, vocabLimit);
        for (int stop : stopIds) {
            if (t == stop) {
                s.stopped = true;
                s.finish(null);
                return false;
            }
        }
        s.tokens[s.count++] = t;
        s.out.add(t);
        if (s.count == s.maxTokens) {
            s.finish(null);
            return false;
        }
        return true;
    }

    /** Runs each sequence's last token in one forward; false when it failed, which ends the sequences of that step. */
    private boolean step(List<Sequence> stepping) {
        List<KvCache> caches = stepping.stream().map(s -> s.cache).toList();
        int[] last = stepping.stream().mapToInt(s -> s.tokens[s.count - 1]).toArray();
        try {
            float[][] logits = parallel.run(() -> model.stepAll(caches, last));
            for (int i = 0; i < stepping.size(); i++) {
                stepping.get(i).logits = logits[i];
            }
            steps.incrementAndGet();
            rows.addAndGet(stepping.size());
            return true;
        } catch (Exception e) {
            RuntimeException failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            stepping.forEach(s -> s.finish(failure));
            return false;
        }
    }

    /** Ends every sequence still held and stops the thread. */
    @Override
    public void close() {
        synchronized (joining) {
            closed = true;
            joining.notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
