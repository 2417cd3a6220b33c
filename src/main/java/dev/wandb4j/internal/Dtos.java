package dev.wandb4j.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The shapes of W&amp;B's GraphQL answers, as Jackson reads them. Internal. */
public final class Dtos {
  private Dtos() {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Envelope<T>(T data, List<ErrorDto> errors) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record ErrorDto(String message, List<Object> path) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record ProjectData(ProjectDto project) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record ProjectDto(RunDto run) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record RunDto(Long projectId, Long fileCount, FileConnectionDto files) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record FileConnectionDto(List<FileEdgeDto> edges, PageInfoDto pageInfo) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record FileEdgeDto(FileNodeDto node, String cursor) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record PageInfoDto(String endCursor, Boolean hasNextPage) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record FileNodeDto(
      String id,
      String name,
      String url,
      String directUrl,
      Long sizeBytes,
      String md5,
      String mimetype,
      String updatedAt) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record DeleteData(DeletePayloadDto deleteFiles) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record DeletePayloadDto(Boolean success) {}
}
