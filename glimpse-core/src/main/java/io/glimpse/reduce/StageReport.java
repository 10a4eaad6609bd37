package io.glimpse.reduce;

/**
 * What one pipeline stage did, for logs and the HTML report.
 *
 * @param index     0-based position in the pipeline
 * @param method    the method's spec name, e.g. {@code tome}
 * @param stage     the stage as it ran, in spec text (with the budget share the pipeline assigned, if any)
 * @param tokensIn  tokens the stage received
 * @param tokensOut tokens it returned
 * @param nanos     wall time of the stage, measured by the pipeline around the call
 */
public record StageReport(int index, String method, String stage, int tokensIn, int tokensOut, long nanos) {
}
