package dev.wandb4j.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a command's path names a run or a whole project: {@code entity/project} and a project's
 * URL ({@code https://wandb.ai/entity/project}) are projects; {@code entity/project/runId}, {@code
 * entity/project/runs/runId}, a run's URL and the short forms with {@code WANDB_ENTITY} and {@code
 * WANDB_PROJECT} ({@code runId}) are runs. On the command line, two segments are a project, never
 * {@code project/runId}.
 */
final class Target {
  private Target() {}

  static boolean isProject(String path) {
    String p = path.strip();
    if (p.regionMatches(true, 0, "http://", 0, 7) || p.regionMatches(true, 0, "https://", 0, 8)) {
      try {
        List<String> segments = segments(new URI(p).getPath());
        return segments.size() >= 2 && (segments.size() < 4 || !segments.get(2).equals("runs"));
      } catch (URISyntaxException e) {
        return false;
      }
    }
    return segments(p).size() == 2;
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    if (path == null) {
      return out;
    }
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
