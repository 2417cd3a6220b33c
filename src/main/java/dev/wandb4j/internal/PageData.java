package dev.wandb4j.internal;

import java.util.List;

/**
 * One checked page of a listing.
 *
 * @param files the files on the page
 * @param endCursor the cursor to continue from, or {@code null}
 * @param hasNextPage whether the server has more
 */
public record PageData(List<FileData> files, String endCursor, boolean hasNextPage) {}
