/**
 * {@code glimpse serve}: an OpenAI-compatible HTTP front end (Javalin on Jetty, one virtual thread per request) over
 * the jobs. Requests become typed records at the edge ({@link io.glimpse.server.ChatRequest}), media become files
 * inside the allowed directories or server-owned temporary files ({@link io.glimpse.server.MediaResolver}), and every
 * failure leaves as OpenAI's error JSON ({@link io.glimpse.server.ApiException}), never a stack trace.
 */
package io.glimpse.server;
