package dev.wandb4j.internal;

import java.time.Instant;
import java.util.List;

/**
 * One run as W&amp;B described it in a listing, checked: its short ID is present.
 *
 * @param id W&amp;B's opaque ID of the run
 * @param name the run's short ID, as in its path
 * @param displayName the name shown in the UI, or {@code null}
 * @param state {@code running}, {@code finished}, {@code crashed}..., or {@code null}
 * @param createdAt when the run was created, or {@code null}
 * @param heartbeatAt the run's last sign of life, or {@code null}
 * @param tags the run's tags
 * @param group the run's group, or {@code null}
 * @param jobType the run's job type, or {@code null}
 */
public record RunData(
    String id,
    String name,
    String displayName,
    String state,
    Instant createdAt,
    Instant heartbeatAt,
    List<String> tags,
    String group,
    String jobType) {}
