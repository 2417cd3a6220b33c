package dev.wandb4j.emulator;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * MySQL {@code LIKE}: {@code %} matches any run of characters, {@code _} exactly one, a backslash
 * makes the next character literal. Case-insensitive, as MySQL's default collations are.
 */
final class Like {
  private Like() {}

  static Predicate<String> compile(String pattern) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        literal.append(pattern.charAt(++i));
      } else if (c == '%' || c == '_') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '%' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    Pattern p =
        Pattern.compile(
            regex.toString(), Pattern.DOTALL | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    return s -> p.matcher(s).matches();
  }
}
