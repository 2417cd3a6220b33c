package dev.wandb4j.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.util.Base64;

/** W&amp;B-shaped GraphQL answers for WireMock stubs. */
public final class Fixtures {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final long PROJECT_ID = 40853575L;

  private Fixtures() {}

  /** A RunFiles answer with files {@code f<from>.txt .. f<from+count-1>.txt}. */
  public static String page(int from, int count, boolean hasNext, String baseUrl) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode run = root.putObject("data").putObject("project").putObject("run");
    run.put("projectId", PROJECT_ID);
    ObjectNode files = run.putObject("files");
    ArrayNode edges = files.putArray("edges");
    String last = null;
    for (int i = from; i < from + count; i++) {
      ObjectNode edge = edges.addObject();
      edge.set("node", node("f" + i + ".txt", "id" + i, 10 + i, baseUrl));
      last = "c" + (i + 1);
      edge.put("cursor", last);
    }
    ObjectNode pageInfo = files.putObject("pageInfo");
    pageInfo.put("endCursor", last);
    pageInfo.put("hasNextPage", hasNext);
    return root.toString();
  }

  public static ObjectNode node(String name, String id, long size, String baseUrl) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", id);
    n.put("name", name);
    n.put("url", baseUrl + "/files/acme/proj/run1/" + name);
    n.put("directUrl", "https://bucket.s3.amazonaws.com/" + name + "?X-Amz-Signature=secret");
    n.put("sizeBytes", size);
    n.put("mimetype", "text/plain");
    n.put("updatedAt", "2025-03-25T21:43:51");
    n.put("md5", "mZFLkyvTelC5g8XnyQrpOw==");
    return n;
  }

  /** A RunFiles answer holding exactly these nodes and no next page. */
  public static String pageOf(ObjectNode... nodes) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode run = root.putObject("data").putObject("project").putObject("run");
    run.put("projectId", PROJECT_ID);
    ObjectNode files = run.putObject("files");
    ArrayNode edges = files.putArray("edges");
    int i = 0;
    for (ObjectNode n : nodes) {
      ObjectNode edge = edges.addObject();
      edge.set("node", n);
      edge.put("cursor", "c" + (++i));
    }
    files.putObject("pageInfo").put("hasNextPage", false).put("endCursor", "c" + i);
    return root.toString();
  }

  /**
   * Every partial download under {@code root}: files whose names mark them as part files, the
   * client's own ({@code .wandb4j-part}) and the generic {@code .part}.
   */
  public static java.util.List<java.nio.file.Path> partFiles(java.nio.file.Path root) {
    if (!java.nio.file.Files.exists(root)) {
      return java.util.List.of();
    }
    try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(root)) {
      return s.filter(
              p -> {
                String n = p.getFileName().toString();
                return n.contains(".wandb4j-part") || n.endsWith(".part");
              })
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static String md5Base64(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
