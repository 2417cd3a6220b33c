package dev.wandb4j.flink;

import dev.wandb4j.FileQuery;
import dev.wandb4j.ProjectPath;
import dev.wandb4j.RunQuery;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a {@link WandbFilesSource} was built with, in a form Flink can serialize into the
 * job's graph: the library's queries are kept as their parts and rebuilt where they are used.
 */
final class SourceSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  final String entity;
  final String project;
  final String runFilters;
  final String runOrder;
  final int runsPerPage;
  final ArrayList<String> fileNames;
  final String filePattern;
  final int filesPerPage;
  final WandbConnection connection;
  final boolean continuous;
  final Duration discoveryInterval;
  final long bytesUpTo;
  final String downloadTo;
  final FileSelector selector;
  final int concurrency;
  final long maxBytesPerFetch;
  final Duration fetchTimeout;

  SourceSettings(
      ProjectPath project,
      RunQuery runs,
      FileQuery files,
      WandbConnection connection,
      boolean continuous,
      Duration discoveryInterval,
      long bytesUpTo,
      String downloadTo,
      FileSelector selector,
      int concurrency,
      long maxBytesPerFetch,
      Duration fetchTimeout) {
    this.entity = project.entity();
    this.project = project.project();
    this.runFilters = runs.filters();
    this.runOrder = runs.order();
    this.runsPerPage = runs.perPage();
    this.fileNames = files.selectsByName() ? new ArrayList<>(files.names()) : null;
    this.filePattern = files.pattern();
    this.filesPerPage = files.perPage();
    this.connection = connection;
    this.continuous = continuous;
    this.discoveryInterval = discoveryInterval;
    this.bytesUpTo = bytesUpTo;
    this.downloadTo = downloadTo;
    this.selector = selector;
    this.concurrency = concurrency;
    this.maxBytesPerFetch = maxBytesPerFetch;
    this.fetchTimeout = fetchTimeout;
  }

  ProjectPath projectPath() {
    return ProjectPath.of(entity, project);
  }

  RunQuery runQuery() {
    return RunQuery.builder().filters(runFilters).order(runOrder).perPage(runsPerPage).build();
  }

  FileQuery fileQuery() {
    FileQuery.Builder b = FileQuery.builder().pattern(filePattern).perPage(filesPerPage);
    if (fileNames != null) {
      b.names(List.copyOf(fileNames));
    }
    return b.build();
  }
}
