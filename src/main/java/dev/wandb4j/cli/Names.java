package dev.wandb4j.cli;

import java.util.Locale;

/**
 * Text from a server made safe to print: names can hold any character, and a terminal acts on
 * control characters (an escape sequence can erase a line or move the cursor, so that a name hides
 * the ones printed before it). Every control character, and the invisible marks that reorder text,
 * is printed as an escape instead; a backslash is doubled, so that the result reads one way only.
 */
final class Names {
  private Names() {}

  static String escape(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String esc = escape(c);
      if (esc != null && sb == null) {
        sb = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (sb != null) {
        if (esc != null) {
          sb.append(esc);
        } else {
          sb.append(c);
        }
      }
    }
    return sb == null ? text : sb.toString();
  }

  private static String escape(char c) {
    switch (c) {
      case '\\':
        return "\\\\";
      case '\u0007':
        return "\\a";
      case '\b':
        return "\\b";
      case '\t':
        return "\\t";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\u001b':
        return "\\e";
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      return String.format(Locale.ROOT, "\\x%02x", (int) c);
    }
    if (Character.isISOControl(c) || isFormatMark(c)) {
      return String.format(Locale.ROOT, "\\u%04x", (int) c);
    }
    return null;
  }

  /** Marks that change how text around them is shown: bidirectional overrides and the like. */
  static boolean isFormatMark(char c) {
    return Character.getType(c) == Character.FORMAT || c == '\u2028' || c == '\u2029';
  }
}
