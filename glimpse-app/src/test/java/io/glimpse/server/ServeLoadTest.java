package io.glimpse.server;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** 8 clients × 25 requests against one generation slot and a queue of 4: every request gets one answer, 200 or 429. */
class ServeLoadTest {
    record Reply(int status, String body, String retryAfter) {
    }

    @Test
    void everyRequestIsAnsweredOnceWithAnAnswerOrABusySignalAndNothingIsLeftBehind() throws Exception {
        int clients = 8;
        int each = 25;
        long heapBefore = heapAfterCollection();
        List<Reply> replies = new ArrayList<>();
        double ok;
        double busy;
        try (LiveServer s = new LiveServer(LiveServer.LLAVA15, LiveServer.options(1, 4, 2, null, 8 << 20))) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<List<Reply>>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                    List<Reply> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"client " + client + " asks " + i + "\"}],\"max_tokens\":2}";
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.base() + "/v1/chat/completions"))
                                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        mine.add(new Reply(r.statusCode(), r.body(), r.headers().firstValue("Retry-After").orElse(null)));
                    }
                    http.close();
                    return mine;
                }));
            }
            for (Future<List<Reply>> f : futures) {
                replies.addAll(f.get());
            }
            pool.shutdown();
            ok = s.metric("glimpse_requests_total{route=\"/v1/chat/completions\",status=\"200\"}");
            busy = s.metric("glimpse_requests_total{route=\"/v1/chat/completions\",status=\"429\"}");
            assertThat(s.metric("glimpse_active_generations")).isZero();
            assertThat(s.metric("glimpse_queue_depth")).isZero();
        }
        assertThat(replies).hasSize(clients * each);
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.body()).isIn(200, 429));
        List<Reply> answered = replies.stream().filter(r -> r.status() == 200).toList();
        List<Reply> refused = replies.stream().filter(r -> r.status() == 429).toList();
        Set<String> ids = new HashSet<>();
        for (Reply r : answered) {
            ids.add(Json.MAPPER.readTree(r.body()).get("id").asText());
        }
        assertThat(ids).as("one distinct completion per answered request").hasSize(answered.size());
        assertThat(refused).allSatisfy(r -> {
            assertThat(r.retryAfter()).isEqualTo("1");
            assertThat(Json.MAPPER.readTree(r.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
        });
        assertThat(ok).isEqualTo(answered.size());
        assertThat(busy).isEqualTo(refused.size());
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
                && (t.getName().contains("Jetty") || t.getName().startsWith("qtp") || t.getName().contains("Javalin")
                || t.getName().equals("glimpse-decode")));
        // The model, its caches and 200 requests' conversations are gone with the server: what the heap holds after a
        // collection is what it held before, give or take what class loading and the JIT keep.
        assertThat(heapAfterCollection() - heapBefore).as("heap bytes left behind").isLessThan(64L << 20);
    }

    private static long heapAfterCollection() throws InterruptedException {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    @Test
    void concurrentGenerationsDecodedTogetherAnswerAsEachAlone() throws Exception {
        List<String> questions = List.of("What is this?", "Describe it.", "Which colours?", "Is it a landscape?");
        String image = LiveServer.IMAGE.toString();
        try (LiveServer s = new LiveServer(LiveServer.LLAVA15, LiveServer.options(4, 0, 16, null, 0))) {
            List<String> alone = new ArrayList<>();
            for (String q : questions) {
                alone.add(answer(s, image, q));
            }
            ExecutorService pool = Executors.newFixedThreadPool(questions.size());
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(questions.size());
            List<Future<String>> together = new ArrayList<>();
            for (String q : questions) {
                together.add(pool.submit(() -> {
                    start.await();
                    return answer(s, image, q);
                }));
            }
            for (int i = 0; i < questions.size(); i++) {
                assertThat(together.get(i).get()).as(questions.get(i)).isEqualTo(alone.get(i));
            }
            pool.shutdown();
            assertThat(s.metric("glimpse_decode_rows_total")).isGreaterThanOrEqualTo(s.metric("glimpse_decode_steps_total"));
        }
    }

    private static String answer(LiveServer s, String image, String question) throws Exception {
        String body = "{\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"" + image + "\"}},{\"type\":\"text\",\"text\":\"" + question + "\"}]}]}";
        HttpResponse<String> r = s.postJson("/v1/chat/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body()).at("/choices/0/message/content").asText();
    }
}
