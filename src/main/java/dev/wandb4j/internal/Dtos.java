package dev.wandb4j.internal;

import java.util.List;

/** The shapes of W&amp;B's GraphQL answers, as {@link ResponseReader} reads them. Internal. */
public final class Dtos {
  private Dtos() {}

  record Envelope<T>(T data, List<ErrorDto> errors) {}

  record ErrorDto(String message, List<Object> path) {}

  record ProjectData(ProjectDto project) {}

  record ProjectDto(RunDto run, Long runCount, ConnectionDto<RunNodeDto> runs) {}

  /** A Relay connection: a page of edges and what follows them. */
  record ConnectionDto<N>(List<EdgeDto<N>> edges, PageInfoDto pageInfo) {}

  record EdgeDto<N>(N node, String cursor) {}

  record RunNodeDto(
      String id,
      String name,
      String displayName,
      String state,
      String createdAt,
      String heartbeatAt,
      List<String> tags,
      String group,
      String jobType,
      Long projectId) {}

  record RunDto(Long projectId, Long fileCount, ConnectionDto<FileNodeDto> files) {}

  record PageInfoDto(String endCursor, Boolean hasNextPage) {}

  record FileNodeDto(
      String id,
      String name,
      String url,
      String directUrl,
      Long sizeBytes,
      String md5,
      String mimetype,
      String updatedAt) {}

  record DeleteData(DeletePayloadDto deleteFiles) {}

  /** The names of the server's mutations, from {@code __type(name: "Mutation")}. */
  record MutationFieldsData(List<String> names) {}

  /**
   * Upload URLs, from {@code createRunFiles} or {@code RunUploadUrls}.
   *
   * @param runFound whether the server found the run ({@code runID}, or {@code model.bucket})
   * @param uploadHeaders "Name:Value" headers the PUTs must carry
   * @param urls name and upload URL, in the server's order
   */
  record UploadUrlsData(boolean runFound, List<String> uploadHeaders, List<String[]> urls) {}

  record DeletePayloadDto(Boolean success) {}
}
