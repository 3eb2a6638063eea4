package unsupported.enums;

// An enum: Java Card has no java.lang.Enum.
public enum Color {
  RED,
  GREEN
}
