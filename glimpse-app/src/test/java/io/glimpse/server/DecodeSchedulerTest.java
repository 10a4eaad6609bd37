package io.glimpse.server;

import io.glimpse.llava.LlavaModel;
import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.Generation;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.Sampler;
import io.glimpse.tensor.Parallel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generations decoded together by the scheduler answer as each would alone: a row that read another sequence's
 * cache, took its token or position, or a token routed to the wrong queue would change some answer. Sequences of
 * different lengths leave at different steps while the others go on.
 */
class DecodeSchedulerTest {
    /** Ahead bound that never holds a sequence back, for tests whose threads drain the sequences one by one. */
    private static final int UNBOUNDED = Integer.MAX_VALUE;

    private static DecodeScheduler.Prompt prefill(DecoderModel d, int[] ids, int slots) {
        KvCache cache = d.newCache(slots);
        return new DecodeScheduler.Prompt(cache, d.forward(cache, d.embed(ids), IntStream.range(0, ids.length).toArray(), 1));
    }

    @Test
    void sequencesDecodedTogetherAnswerAsAloneAndLeaveAtTheirOwnLimits() throws Exception {
        try (LlavaModel model = LlavaModel.load(LiveServer.LLAVA15)) {
            DecoderModel d = model.decoder();
            int vocab = model.tokenizer().size();
            int[] stops = model.template().stopIds(model.tokenizer());
            List<String> texts = List.of("a red square", "two blue circles and a line", "hello", "what moves here?");
            int[] limits = {12, 5, 9, 1};
            List<int[]> alone = new ArrayList<>();
            List<DecodeScheduler.Sequence> together = new ArrayList<>();
            DecodeScheduler scheduler = new DecodeScheduler(d, Parallel.current(), vocab, stops, UNBOUNDED);
            for (int i = 0; i < texts.size(); i++) {
                int[] ids = model.tokenizer().encode(texts.get(i), true);
                DecodeScheduler.Prompt solo = prefill(d, ids, ids.length + limits[i]);
                alone.add(Generation.run(d, solo.cache(), solo.logits(), limits[i], Sampler.greedy(), vocab, stops, t -> { })
                        .tokens());
                int limit = limits[i];
                together.add(scheduler.submit(() -> prefill(d, ids, ids.length + limit), limits[i], Sampler.greedy()));
            }
            // Every sequence has joined before the first step, so the steps are shared.
            scheduler.start();
            try {
                for (int i = 0; i < together.size(); i++) {
                    List<Integer> streamed = new ArrayList<>();
                    for (int t = together.get(i).take(); t != DecodeScheduler.END; t = together.get(i).take()) {
                        streamed.add(t);
                    }
                    together.get(i).await();
                    assertThat(streamed).as(texts.get(i)).containsExactly(IntStream.of(alone.get(i)).boxed().toArray(Integer[]::new));
                    assertThat(together.get(i).tokens()).isEqualTo(alone.get(i));
                }
            } finally {
                scheduler.close();
            }
            int longest = IntStream.of(limits).max().orElseThrow();
            assertThat(scheduler.steps()).as("one step per token after the first, of the longest").isLessThanOrEqualTo(longest - 1);
            assertThat(scheduler.rows()).as("rows of sequences that had not yet stopped").isGreaterThan(scheduler.steps());
        }
    }

    /**
     * Sequences that arrive while the scheduler is busy (here: held inside the first one's prefill until the others
     * are submitted) are prefilled before the next step, so they all decode in the same steps: as many steps as the
     * longest needs, each holding every sequence not yet over. Stepping between their prefills would stagger them and
     * take more steps.
     */
    @Test
    void sequencesArrivingDuringAPrefillAreAdmittedBeforeTheNextStep() throws Exception {
        try (LlavaModel model = LlavaModel.load(LiveServer.LLAVA15)) {
            DecoderModel d = model.decoder();
            int vocab = model.tokenizer().size();
            int[] stops = model.template().stopIds(model.tokenizer());
            List<String> texts = List.of("a red square", "two blue circles and a line", "hello", "what moves here?");
            int limit = 10;
            DecodeScheduler scheduler = new DecodeScheduler(d, Parallel.current(), vocab, stops, UNBOUNDED);
            scheduler.start();
            CountDownLatch othersSubmitted = new CountDownLatch(1);
            List<DecodeScheduler.Sequence> together = new ArrayList<>();
            int longest = 0;
            int rows = 0;
            try {
                for (int i = 0; i < texts.size(); i++) {
                    int[] ids = model.tokenizer().encode(texts.get(i), true);
                    DecodeScheduler.Prompt solo = prefill(d, ids, ids.length + limit);
                    int n = Generation.run(d, solo.cache(), solo.logits(), limit, Sampler.greedy(), vocab, stops, t -> { })
                            .tokens().length;
                    // The last token of a sequence at its limit is not run; one ended by a stop token ran all of its own.
                    int stepped = n == limit ? n - 1 : n;
                    longest = Math.max(longest, stepped);
                    rows += stepped;
                    boolean first = i == 0;
                    together.add(scheduler.submit(() -> {
                        if (first) {
                            othersSubmitted.await();
                        }
                        return prefill(d, ids, ids.length + limit);
                    }, limit, Sampler.greedy()));
                }
                othersSubmitted.countDown();
                for (DecodeScheduler.Sequence s : together) {
                    s.await();
                }
            } finally {
                othersSubmitted.countDown();
                scheduler.close();
            }
            assertThat(scheduler.steps()).as("steps shared by all four").isEqualTo(longest);
            assertThat(scheduler.rows()).isEqualTo(rows);
        }
    }

    /**
     * A sequence whose thread takes none of its tokens sits out the steps once it is {@code ahead} tokens ahead, while
     * another goes on to its end; taken, it resumes and answers as alone. A scheduler that ignored the bound would
     * have stepped it with the other all along.
     */
    @Test
    void aSequenceWhoseThreadFallsBehindSitsOutTheStepsUntilItCatchesUp() throws Exception {
        try (LlavaModel model = LlavaModel.load(LiveServer.LLAVA15)) {
            DecoderModel d = model.decoder();
            int vocab = model.tokenizer().size();
            int[] stops = model.template().stopIds(model.tokenizer());
            int[] ids = model.tokenizer().encode("a long answer, please", true);
            int limit = 8;
            DecodeScheduler.Prompt solo = prefill(d, ids, ids.length + limit);
            int[] alone = Generation.run(d, solo.cache(), solo.logits(), limit, Sampler.greedy(), vocab, stops, t -> { }).tokens();
            assertThat(alone).as("the fixture answers this past a few tokens").hasSize(limit);
            int ahead = 2;
            DecodeScheduler scheduler = new DecodeScheduler(d, Parallel.current(), vocab, stops, ahead);
            DecodeScheduler.Sequence behind = scheduler.submit(() -> prefill(d, ids, ids.length + limit), limit, Sampler.greedy());
            DecodeScheduler.Sequence keeping = scheduler.submit(() -> prefill(d, ids, ids.length + limit), limit, Sampler.greedy());
            scheduler.start();
            try {
                List<Integer> kept = new ArrayList<>();
                for (int t = keeping.take(); t != DecodeScheduler.END; t = keeping.take()) {
                    kept.add(t);
                }
                keeping.await();
                assertThat(kept).hasSize(limit);
                assertThat(scheduler.rows()).as("the other's steps, and two of its own").isEqualTo((limit - 1) + ahead);
                List<Integer> late = new ArrayList<>();
                for (int t = behind.take(); t != DecodeScheduler.END; t = behind.take()) {
                    late.add(t);
                }
                behind.await();
                assertThat(late).containsExactly(IntStream.of(alone).boxed().toArray(Integer[]::new));
                assertThat(scheduler.rows()).isEqualTo(2L * (limit - 1));
            } finally {
                scheduler.close();
            }
        }
    }

    @Test
    void aCancelledSequenceLeavesBeforeItsNextStepAndTheOthersGoOn() throws Exception {
        try (LlavaModel model = LlavaModel.load(LiveServer.LLAVA15)) {
            DecoderModel d = model.decoder();
            int vocab = model.tokenizer().size();
            int[] stops = model.template().stopIds(model.tokenizer());
            int[] ids = model.tokenizer().encode("a long answer, please", true);
            DecodeScheduler.Prompt solo = prefill(d, ids, ids.length + 8);
            int[] alone = Generation.run(d, solo.cache(), solo.logits(), 8, Sampler.greedy(), vocab, stops, t -> { }).tokens();
            DecodeScheduler scheduler = new DecodeScheduler(d, Parallel.current(), vocab, stops, UNBOUNDED);
            AtomicInteger prefills = new AtomicInteger();
            DecodeScheduler.Sequence cancelled = scheduler.submit(() -> {
                prefills.incrementAndGet();
                return prefill(d, ids, ids.length + 8);
            }, 8, Sampler.greedy());
            DecodeScheduler.Sequence kept = scheduler.submit(() -> prefill(d, ids, ids.length + 8), 8, Sampler.greedy());
            cancelled.cancel();
            scheduler.start();
            try {
                assertThat(cancelled.take()).isEqualTo(DecodeScheduler.END);
                cancelled.await();
                assertThat(cancelled.tokens()).isEmpty();
                assertThat(prefills).as("not even its prefill ran").hasValue(0);
                kept.await();
                assertThat(kept.tokens()).isEqualTo(alone);
            } finally {
                scheduler.close();
            }
        }
    }
}
