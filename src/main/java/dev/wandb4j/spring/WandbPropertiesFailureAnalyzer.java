package dev.wandb4j.spring;

import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Reports a {@code wandb.*} value that failed validation: Boot's "APPLICATION FAILED TO START"
 * block names the property as it is written ({@code wandb.base-url}), its value, where it came from
 * and what is wrong with it. The API key's value is never shown.
 */
class WandbPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<BindValidationException>
    implements Ordered {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, BindValidationException cause) {
    List<ObjectError> errors = cause.getValidationErrors().getAllErrors();
    if (errors.isEmpty()
        || !errors.stream().allMatch(e -> e.getObjectName().equals(WandbProperties.PREFIX))) {
      return null;
    }
    StringBuilder description = new StringBuilder("The W&B client is misconfigured:\n");
    StringBuilder names = new StringBuilder();
    for (ObjectError error : errors) {
      if (error instanceof FieldError) {
        FieldError field = (FieldError) error;
        String property = WandbProperties.PREFIX + "." + dashed(field.getField());
        names.append(names.length() == 0 ? "" : ", ").append(property);
        Object value = property.equals("wandb.api-key") ? "******" : field.getRejectedValue();
        description.append("\n    Property: ").append(property);
        description.append("\n    Value: \"").append(value).append('"');
        Origin origin = Origin.from(field);
        if (origin != null) {
          description.append("\n    Origin: ").append(origin);
        }
      }
      description.append("\n    Reason: ").append(error.getDefaultMessage()).append('\n');
    }
    return new FailureAnalysis(
        description.toString(),
        "Correct "
            + (names.length() == 0 ? "the wandb.* properties" : names)
            + " in the application's configuration, or set wandb.enabled=false to run without"
            + " the W&B client.",
        cause);
  }

  /**
   * {@code baseUrl} as {@code base-url}; {@code proxy.inlineTypes[0]} as {@code
   * proxy.inline-types[0]}.
   */
  static String dashed(String field) {
    StringBuilder sb = new StringBuilder();
    for (char c : field.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('-').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  @Override
  public int getOrder() {
    return 0;
  }
}
