package dev.wandb4j.flink;

import java.util.Map;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;

/**
 * A source reader: one fetcher thread reads the runs it is given, one after another, through a
 * {@link RunFilesSplitReader}; records are emitted on the task's thread, each moving its run's
 * position past it. Holds a lease on its task manager's shared client from creation to close.
 */
// Flink's SourceReader.close() throws Exception, as the interface declares.
@SuppressWarnings("try")
final class RunFilesReader
    extends SingleThreadMultiplexSourceReaderBase<
        Fetched, WandbFileRecord, RunSplit, SplitPosition> {
  private final SharedClients.Lease lease;

  RunFilesReader(SourceReaderContext context, SourceSettings settings) {
    this(context, settings, SharedClients.acquire(settings.connection));
  }

  private RunFilesReader(
      SourceReaderContext context, SourceSettings settings, SharedClients.Lease lease) {
    super(
        () -> new RunFilesSplitReader(lease.client(), settings),
        new Emitter(),
        context.getConfiguration(),
        context);
    this.lease = lease;
  }

  @Override
  public void start() {
    if (getNumberOfCurrentlyAssignedSplits() == 0) {
      context.sendSplitRequest();
    }
  }

  @Override
  protected void onSplitFinished(Map<String, SplitPosition> finished) {
    for (String runId : finished.keySet()) {
      context.sendSourceEventToCoordinator(new RunFinishedEvent(runId));
    }
    context.sendSplitRequest();
  }

  @Override
  protected SplitPosition initializedState(RunSplit split) {
    return new SplitPosition(split);
  }

  @Override
  protected RunSplit toSplitType(String splitId, SplitPosition position) {
    return position.toSplit();
  }

  @Override
  public void close() throws Exception {
    try {
      super.close();
    } finally {
      lease.close();
    }
  }

  /** Emits a record and moves its run's position past it, in one step between checkpoints. */
  private static final class Emitter
      implements RecordEmitter<Fetched, WandbFileRecord, SplitPosition> {
    @Override
    public void emitRecord(
        Fetched fetched, SourceOutput<WandbFileRecord> output, SplitPosition position) {
      output.collect(fetched.record());
      position.advance(fetched.cursor(), fetched.skip());
    }
  }
}
