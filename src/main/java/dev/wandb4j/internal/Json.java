package dev.wandb4j.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;

/** The client's JSON factory: the bounds every answer from W&amp;B is read within. */
final class Json {
  /** The deepest nesting a response may have; W&amp;B's answers are a handful of levels deep. */
  static final int MAX_NESTING_DEPTH = 64;

  /** The longest string value read; a signed URL is a few kilobytes. */
  static final int MAX_STRING_LENGTH = 1 << 20;

  /** Parsers for W&amp;B's answers, with the bounds above. */
  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_NESTING_DEPTH)
                  .maxStringLength(MAX_STRING_LENGTH)
                  .build())
          .build();

  private Json() {}
}
