package diff;

import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * The JVM side of the differential test: reads lines "op a b" from standard input and prints
 * "thrown result" for each, from {@link Dispatch}.
 */
public final class DiffMain {
  private DiffMain() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    StringBuilder out = new StringBuilder();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] parts = line.trim().split(" ");
      if (parts.length != 3) continue;
      short result = Dispatch.call(Byte.parseByte(parts[0]), Short.parseShort(parts[1]),
          Short.parseShort(parts[2]));
      out.append(Dispatch.thrown).append(' ').append(result).append('\n');
    }
    System.out.print(out);
  }
}
