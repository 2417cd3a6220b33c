package dev.wandb4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileTest {
  @ParameterizedTest
  @CsvSource({
    "https://bucket.s3.amazonaws.com/a/b.png?X-Amz-Signature=s, s3://bucket/a/b.png",
    "https://my.dotted.bucket.s3.us-east-1.amazonaws.com/k.txt, s3://my.dotted.bucket/k.txt",
    "https://bucket.s3-us-west-2.amazonaws.com/k.txt, s3://bucket/k.txt",
    "https://s3.amazonaws.com/bucket/a/b.png?sig=1, s3://bucket/a/b.png",
    "https://s3.eu-west-1.amazonaws.com/bucket/k, s3://bucket/k",
    "https://s3-eu-west-1.amazonaws.com/bucket/k, s3://bucket/k",
    "https://storage.googleapis.com/bucket/k?sig=1, ''",
    "https://s3.amazonaws.com/bucket-only, ''",
    "not a url, ''",
  })
  void s3UrlsBecomeS3UrisVirtualHostedOrPathStyle(String url, String expected) {
    assertThat(File.s3Uri(url)).isEqualTo(expected);
  }
}
