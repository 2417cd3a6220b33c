package dev.wandb4j.spring;

import dev.wandb4j.WandbClientListener;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.util.context.ContextView;

/** Counts what it hears. */
final class RecordingListener implements WandbClientListener {
  final AtomicLong bytes = new AtomicLong();
  final AtomicInteger pages = new AtomicInteger();
  final AtomicInteger failures = new AtomicInteger();

  @Override
  public void pageFetched(int files, ContextView context) {
    pages.incrementAndGet();
  }

  @Override
  public void bytesDownloaded(long count, ContextView context) {
    bytes.addAndGet(count);
  }

  @Override
  public void failed(Operation operation, Throwable error, ContextView context) {
    failures.incrementAndGet();
  }
}
