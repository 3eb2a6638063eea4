import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * Checks the compiled API stubs (uicc-api.jar) against the manifest that apigen.py writes from
 * the package data. It checks every class with its flags, every constant with the value javac
 * folded, and every method entry with its modifiers. A public or protected member that the data
 * lacks is a failure too. Prints one line per mismatch and "N passed, N failed" at the end.
 *
 * <p>Usage: java -cp DIR StubCheck uicc-api.jar manifest.txt
 */
public final class StubCheck {
  private final ClassLoader loader;
  private final Set<String> jarEntries;
  private final List<String> failures = new ArrayList<>();
  private int passed;

  private StubCheck(ClassLoader loader, Set<String> jarEntries) {
    this.loader = loader;
    this.jarEntries = jarEntries;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: StubCheck JAR MANIFEST");
      System.exit(2);
    }
    URL jar = Path.of(args[0]).toUri().toURL();
    // The JDK's own java.lang comes first, so the stubs' java.lang classes are not defined
    // again. The classes under test are the javacard.*, javacardx.*, org.* and uicc.* ones.
    Set<String> entries = new HashSet<>();
    try (JarFile file = new JarFile(args[0])) {
      file.stream().forEach(e -> entries.add(e.getName()));
    }
    StubCheck check = new StubCheck(new URLClassLoader(new URL[] {jar}, null), entries);
    check.run(Files.readAllLines(Path.of(args[1])));
    for (String failure : check.failures) {
      System.out.println("FAILED: " + failure);
    }
    System.out.println(check.passed + " passed, " + check.failures.size() + " failed");
    System.exit(check.failures.isEmpty() ? 0 : 1);
  }

  private void run(List<String> manifest) {
    Map<String, Set<String>> expected = new HashMap<>();
    for (String line : manifest) {
      if (line.isEmpty()) continue;
      String[] f = line.split(" ");
      String binary = f[1];  // nested classes are Outer$Inner, their binary name
      if (binary.startsWith("java.")) {
        // A JVM defines java.* classes from its own runtime only, so these stubs cannot be
        // loaded here. The check is limited to their presence in the jar.
        if (f[0].equals("K")) checkJarEntry(binary);
        continue;
      }
      Set<String> members = expected.computeIfAbsent(binary, k -> new HashSet<>());
      switch (f[0]) {
        case "K":
          checkClass(binary, flags(f, 2));
          break;
        case "C":
          members.add(f[2]);
          checkConstant(binary, f[2], f[3], Integer.parseInt(f[4]));
          break;
        case "M":
          members.add(f[2] + f[3]);
          checkMethod(binary, f[2], f[3], flags(f, 4));
          break;
        default:
          fail("manifest line not understood: " + line);
      }
    }
    for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
      checkNoExtraMembers(e.getKey(), e.getValue());
    }
  }

  private void checkJarEntry(String binary) {
    String entry = binary.replace('.', '/') + ".class";
    expect(binary + " in the jar", true, jarEntries.contains(entry));
  }

  private static Set<String> flags(String[] fields, int index) {
    Set<String> result = new HashSet<>();
    if (fields.length > index && !fields[index].isEmpty()) {
      for (String flag : fields[index].split(",")) result.add(flag);
    }
    return result;
  }

  private Class<?> load(String binary) {
    try {
      return Class.forName(binary, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      fail(binary + ": cannot load: " + e);
      return null;
    }
  }

  private void checkClass(String binary, Set<String> flags) {
    Class<?> cls = load(binary);
    if (cls == null) return;
    int m = cls.getModifiers();
    expect(binary + " public", flags.contains("public"), Modifier.isPublic(m));
    expect(binary + " final", flags.contains("final"), Modifier.isFinal(m));
    expect(binary + " interface", flags.contains("interface"), cls.isInterface());
    expect(binary + " abstract", flags.contains("abstract"), Modifier.isAbstract(m));
  }

  private void checkConstant(String binary, String name, String type, int value) {
    Class<?> cls = load(binary);
    if (cls == null) return;
    Field field;
    try {
      field = cls.getDeclaredField(name);
    } catch (NoSuchFieldException e) {
      fail(binary + "." + name + ": missing constant");
      return;
    }
    String where = binary + "." + name;
    int m = field.getModifiers();
    expect(where + " public static final", true,
        Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m));
    try {
      field.setAccessible(true);
      int actual;
      switch (type) {
        case "B":
          expect(where + " type byte", true, field.getType() == byte.class);
          actual = field.getByte(null);
          break;
        case "S":
          expect(where + " type short", true, field.getType() == short.class);
          actual = field.getShort(null);
          break;
        case "Z":
          expect(where + " type boolean", true, field.getType() == boolean.class);
          actual = field.getBoolean(null) ? 1 : 0;
          break;
        default:
          fail(where + ": unknown type " + type);
          return;
      }
      expect(where + " value", value, actual);
    } catch (IllegalAccessException | ExceptionInInitializerError e) {
      fail(where + ": cannot read: " + e);
    }
  }

  private void checkMethod(String binary, String name, String descriptor, Set<String> flags) {
    Class<?> cls = load(binary);
    if (cls == null) return;
    String where = binary + "." + name + descriptor;
    Executable found = find(cls, name, descriptor);
    if (found == null) {
      fail(where + ": missing method");
      return;
    }
    int m = found.getModifiers();
    boolean isStatic = Modifier.isStatic(m);
    expect(where + " static", flags.contains("static"), isStatic);
    expect(where + " public", flags.contains("public"), Modifier.isPublic(m));
    expect(where + " protected", flags.contains("protected"), Modifier.isProtected(m));
    expect(where + " final", flags.contains("final"), Modifier.isFinal(m));
    // Interface methods are abstract in the data; javac marks them abstract in the class file.
    expect(where + " abstract", flags.contains("abstract"), Modifier.isAbstract(m));
  }

  // Finds the declaration that the entry denotes: in the class itself, or for an inherited
  // entry, in the nearest superclass or superinterface that declares it.
  private static Executable find(Class<?> cls, String name, String descriptor) {
    if (name.equals("<init>")) {
      for (Constructor<?> c : cls.getDeclaredConstructors()) {
        if (descriptorOf(c.getParameterTypes(), void.class).equals(descriptor)) return c;
      }
      return null;
    }
    for (Method method : cls.getDeclaredMethods()) {
      if (method.getName().equals(name)
          && descriptorOf(method.getParameterTypes(), method.getReturnType()).equals(descriptor)) {
        return method;
      }
    }
    List<Class<?>> parents = new ArrayList<>();
    if (cls.getSuperclass() != null) parents.add(cls.getSuperclass());
    for (Class<?> i : cls.getInterfaces()) parents.add(i);
    for (Class<?> parent : parents) {
      Executable found = find(parent, name, descriptor);
      if (found != null) return found;
    }
    return null;
  }

  // A stub must not offer applets a member that the card lacks.
  private void checkNoExtraMembers(String binary, Set<String> expected) {
    Class<?> cls = load(binary);
    if (cls == null) return;
    List<Member> members = new ArrayList<>();
    for (Field f : cls.getDeclaredFields()) members.add(f);
    for (Method m : cls.getDeclaredMethods()) members.add(m);
    for (Constructor<?> c : cls.getDeclaredConstructors()) members.add(c);
    for (Member member : members) {
      int m = member.getModifiers();
      if (!Modifier.isPublic(m) && !Modifier.isProtected(m)) continue;
      if (member instanceof Method && ((Method) member).isSynthetic()) continue;
      String key;
      if (member instanceof Field) {
        key = member.getName();
      } else if (member instanceof Constructor) {
        key = "<init>" + descriptorOf(((Constructor<?>) member).getParameterTypes(), void.class);
      } else {
        Method method = (Method) member;
        key = method.getName() + descriptorOf(method.getParameterTypes(), method.getReturnType());
      }
      expect(binary + " member " + key + " is in the data", true, expected.contains(key));
    }
  }

  private static String descriptorOf(Class<?>[] params, Class<?> result) {
    StringBuilder out = new StringBuilder("(");
    for (Class<?> p : params) out.append(descriptorOf(p));
    return out.append(')').append(descriptorOf(result)).toString();
  }

  private static String descriptorOf(Class<?> type) {
    if (type == void.class) return "V";
    if (type == boolean.class) return "Z";
    if (type == byte.class) return "B";
    if (type == short.class) return "S";
    if (type == int.class) return "I";
    if (type == long.class) return "J";
    if (type == char.class) return "C";
    if (type == float.class) return "F";
    if (type == double.class) return "D";
    if (type.isArray()) return "[" + descriptorOf(type.getComponentType());
    return "L" + type.getName().replace('.', '/') + ";";
  }

  private void expect(String what, Object expected, Object actual) {
    if (expected.equals(actual)) {
      passed++;
    } else {
      fail(what + ": expected " + expected + ", got " + actual);
    }
  }

  private void fail(String message) {
    failures.add(message);
  }
}
