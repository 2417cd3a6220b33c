package dev.wandb4j.internal;

import java.util.List;

/**
 * One checked page of a project's runs.
 *
 * @param runs the runs on the page
 * @param endCursor the cursor to continue from, or {@code null}
 * @param hasNextPage whether the server has more
 * @param total how many runs the filter selects, or -1 if W&amp;B did not say
 */
public record RunPageData(List<RunData> runs, String endCursor, boolean hasNextPage, long total) {}
