// The compute workload of vm_benchmarks written in Java, run by `java -Xint` as the baseline:
// the same steps, with the same byte and short arithmetic, as the Java Card bytecode the
// benchmark runs on the uicc VM. Usage: java -Xint -cp DIR VmWorkload ITERATIONS
// Prints the CPU time and the wall-clock time per iteration in nanoseconds (the machines are
// shared, so CPU time is the figure to compare) and the result of the last iteration.
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

public final class VmWorkload {
  static short workload(byte[] data, byte[] sorted) {
    for (short i = 0; i < 64; i++) {
      sorted[i] = (byte) (i * 37 + 11);
    }
    for (short i = 0; i < 63; i++) {
      for (short j = 0; j < (short) (63 - i); j++) {
        if (sorted[j] > sorted[(short) (j + 1)]) {
          byte t = sorted[j];
          sorted[j] = sorted[(short) (j + 1)];
          sorted[(short) (j + 1)] = t;
        }
      }
    }
    // CRC-16/CCITT: polynomial 0x1021, initial value 0xFFFF, no reflection.
    short crc = (short) 0xFFFF;
    for (short i = 0; i < data.length; i++) {
      crc ^= (short) (data[i] << 8);
      for (short b = 0; b < 8; b++) {
        if (crc < 0) {
          crc = (short) ((crc << 1) ^ 0x1021);
        } else {
          crc = (short) (crc << 1);
        }
      }
    }
    return (short) (crc + sorted[0]);
  }

  public static void main(String[] args) {
    int iterations = Integer.parseInt(args[0]);
    byte[] data = new byte[255];
    for (int i = 0; i < data.length; i++) data[i] = (byte) i;
    byte[] sorted = new byte[64];
    short result = 0;
    for (int i = 0; i < iterations / 10 + 1; i++) result = workload(data, sorted);  // warm-up
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) result = workload(data, sorted);
    long elapsed = System.nanoTime() - start;
    long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
    System.out.println((double) cpu / iterations + " " + (double) elapsed / iterations + " " + result);
  }
}
